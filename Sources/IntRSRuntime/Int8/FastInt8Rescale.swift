import IntRSCore

/// Fixed-width rescale, the fast formulas. Each equals `ReferenceInt8Rescale.rescale` (TOSA
/// `apply_scale_32` with m = M0, s = 31 - shift) for every int32 `x` satisfying TOSA's precondition
/// x in [-2^(s-1), 2^(s-1)) (for shift < 0 that is every int32; shift = 0 allows [-2^30, 2^30)),
/// M0 in [2^30, 2^31), shift in [-31, 29].
/// Proof: Proofs/int8-rescale.md (INT8-RESCALE); checked exhaustively on a stated domain by
/// FastRescaleTests and by the z3 proof Proofs/int8-rescale-double.smt2.
public enum FastInt8Rescale {
    /// gemmlowp SaturatingRoundingDoublingHighMul: (a*b + (a*b >= 0 ? 2^30 : 1 - 2^30)) / 2^31, dividing
    /// with truncation toward zero; INT32_MAX when a = b = INT32_MIN. Equals floor((a*b + 2^30) / 2^31)
    /// except in that saturating case.
    @inline(__always)
    public static func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
        if a == Int32.min && b == Int32.min { return Int32.max }
        let ab = Int64(a) &* Int64(b)
        let nudge: Int64 = ab >= 0 ? (1 << 30) : (1 - (1 << 30))
        return Int32(truncatingIfNeeded: (ab &+ nudge) / (1 << 31))
    }

    /// gemmlowp RoundingDivideByPOT(x, e), e in [0, 31]: x / 2^e rounded to nearest, ties away from zero.
    @inline(__always)
    public static func roundingDivideByPOT(_ x: Int32, _ e: Int32) -> Int32 {
        let mask = (Int32(1) &<< e) &- 1
        let remainder = x & mask
        let threshold = (mask &>> 1) &+ (x < 0 ? 1 : 0)
        return (x &>> e) &+ (remainder > threshold ? 1 : 0)
    }

    /// Double rounding (TFLite default build): SRDHM(x * 2^max(shift, 0), M0), then
    /// RoundingDivideByPOT(., max(-shift, 0)). Equals the reference `rescale(x, M0, shift, .double)`.
    @inline(__always)
    public static func double(_ x: Int32, multiplier m: Int32, shift: Int32) -> Int32 {
        let left = shift > 0 ? shift : 0
        let right = shift > 0 ? 0 : -shift
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x &<< left, m), right)
    }

    /// Single rounding (TFLITE_SINGLE_ROUNDING, TOSA SINGLE_ROUND): (x * M0 + 2^(30 - shift)) >> (31 - shift)
    /// in 64-bit with an arithmetic shift. Equals the reference `rescale(x, M0, shift, .single)`.
    @inline(__always)
    public static func single(_ x: Int32, multiplier m: Int32, shift: Int32) -> Int32 {
        let s = Int64(31 &- shift)
        return Int32(truncatingIfNeeded: (Int64(x) &* Int64(m) &+ (Int64(1) &<< (s &- 1))) &>> s)
    }

    /// Whether (x, M0, shift) is in the domain of rescale: M0 in [2^30, 2^31), shift in [-31, 29] and
    /// TOSA's precondition x in [-2^(30 - shift), 2^(30 - shift)) (every int32 when shift < 0).
    /// Equals `ReferenceInt8Rescale.rescale(...) != nil` for these inputs.
    public static func accepts(_ x: Int64, multiplier m: Int64, shift: Int64) -> Bool {
        guard m >= 1 << 30, m < 1 << 31, shift >= -31, shift <= 29, x >= Int64(Int32.min), x <= Int64(Int32.max) else { return false }
        let half = Int64(1) << (30 - shift)
        return x >= -half && x < half
    }

    /// The variant named by `rounding`.
    @inline(__always)
    public static func rescale(_ x: Int32, multiplier m: Int32, shift: Int32, rounding: RescaleRounding) -> Int32 {
        rounding == .double ? double(x, multiplier: m, shift: shift) : single(x, multiplier: m, shift: shift)
    }
}
