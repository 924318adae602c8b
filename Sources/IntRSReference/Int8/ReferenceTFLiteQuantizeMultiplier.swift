/// TFLite's `QuantizeMultiplier` (tflite/kernels/internal/quantization_util.cc, default double-rounding build)
/// defined on integers, from the bits of the double: the reference for the `tflite-quantize-multiplier` vectors.
/// The importer's `TFLiteQuantizeMultiplier.quantize` (IntRSCore) computes the same with frexp-style double
/// operations; the vectors check that they agree.
///
/// A positive finite double is x = f * 2^E exactly, f a positive integer below 2^53 (for a normal number f has
/// the implicit bit and E = exponent - 1075; for a subnormal E = -1074). With L the bit length of f, frexp gives
/// x = q * 2^e, q in [0.5, 1), e = L + E. TFLite then takes M = round(q * 2^31) = round(f * 2^(31 - L)), half away
/// from zero (here: half up, everything is positive); M = 2^31 becomes (2^30, e + 1); e < -31 becomes (0, 0).
public enum ReferenceTFLiteQuantizeMultiplier {
    /// (M0, shift) for the double with these IEEE-754 bits, or nil for zero, negative, infinite or NaN inputs.
    public static func quantize(bits: UInt64) -> (multiplier: Int, shift: Int)? {
        let sign = bits >> 63, exponent = Int((bits >> 52) & 0x7FF), fraction = bits & ((1 << 52) - 1)
        guard sign == 0, exponent != 0x7FF, exponent != 0 || fraction != 0 else { return nil }
        let f = exponent == 0 ? fraction : fraction | (1 << 52)
        let E = exponent == 0 ? -1074 : exponent - 1075
        let L = 64 - f.leadingZeroBitCount
        var e = L + E
        var m: UInt64
        if L <= 31 {
            m = f << UInt64(31 - L)
        } else {
            let drop = UInt64(L - 31)
            m = f >> drop
            if (f >> (drop - 1)) & 1 == 1 { m += 1 } // the first dropped bit is the half: round half up
        }
        if m == 1 << 31 { m = 1 << 30; e += 1 }
        if e < -31 { return (0, 0) }
        return (Int(m), e)
    }
}
