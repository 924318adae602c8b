/// TFLite's `QuantizeMultiplier` (tensorflow/lite/kernels/internal/quantization_util.cc), reproduced exactly:
/// a positive real multiplier (a double) becomes (M0, shift) with real ~= M0 * 2^(shift - 31).
///
///     q, e = frexp(x)                      q in [0.5, 1), x = q * 2^e  (exact)
///     M = round(q * 2^31)                  TfLiteRound = round half away from zero; q * 2^31 is exact
///     if M == 2^31 { M = 2^30; e += 1 }    the rounding carried into the next binade
///     if e < -31 { M = 0; e = 0 }          TFLite flushes multipliers below about 2^-32 to zero
///     (M0, shift) = (M, e)
///
/// (TFLITE_SINGLE_ROUNDING builds additionally clamp e > 30 to (2^31 - 1, 30); the default double-rounding
/// build does not.) The conformance rule of Proofs/int8-rescale.md, "Importing TFLite multipliers": the
/// importer derives every multiplier with this function from the double the TFLite kernel computes from the
/// stored float32 scales, and refuses a result IntRS cannot represent (M0 = 0, or shift outside [-31, 29]).
public enum TFLiteQuantizeMultiplier {
    /// The (M0, shift) TFLite computes for `x`, or nil when `x` is not a positive finite double (TFLite
    /// returns (0, 0) for x = 0 and is undefined for negative or non-finite x).
    public static func quantize(_ x: Double) -> (multiplier: Int64, shift: Int)? {
        guard x.isFinite, x > 0 else { return nil }
        // frexp: x = q * 2^e with q in [0.5, 1). Swift's significand is in [1, 2) (normalized also for
        // subnormals), so q = significand / 2 and e = exponent + 1, both exact.
        let q = x.significand / 2
        var e = Int(x.exponent) + 1
        var m = Int64((q * 2147483648.0).rounded(.toNearestOrAwayFromZero))
        if m == 1 << 31 { m /= 2; e += 1 }
        if e < -31 { m = 0; e = 0 }
        return (m, e)
    }
}
