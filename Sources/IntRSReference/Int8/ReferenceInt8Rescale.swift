import IntRSCore

/// Errors of the int8 reference evaluator: it rejects, never wraps.
public enum ReferenceInt8Error: Error, CustomStringConvertible, Equatable {
    /// An accumulator's exact value lies outside int32.
    case accumulatorOverflow(layer: Int, element: Int, value: String)
    /// A rescale input violates TOSA's precondition v in [-2^(s-1), 2^(s-1)).
    case rescalePrecondition(layer: Int, element: Int, value: String, shift: Int)
    /// The input has the wrong number of grid values.
    case inputCount(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .accumulatorOverflow(let l, let e, let v):
            return "layer \(l), element \(e): accumulator \(v) overflows int32 (rejected, not wrapped)"
        case .rescalePrecondition(let l, let e, let v, let s):
            return "layer \(l), element \(e): rescale input \(v) violates TOSA's precondition for shift \(s) (the result would not fit int32)"
        case .inputCount(let e, let g):
            return "expected \(e) grid values, got \(g)"
        }
    }
}

/// The rescale definition (TOSA RESCALE, `apply_scale_32`), on mathematical integers.
///
/// Exactness: every intermediate is held in `Int` (64-bit). |v| < 2^31 and 0 < m < 2^31 give
/// |v * m| < 2^62; the rounding term is at most 2^61 + 2^30; their sum is below 2^63 in absolute value, so
/// no Int operation here can overflow (Swift would trap rather than wrap if one did). `>>` on Int is an
/// arithmetic shift, i.e. floor division by 2^s, which is what TOSA's int64 `>>` means.
public enum ReferenceInt8Rescale {
    /// TOSA `apply_scale_32(value, multiplier, shift, double_round)`:
    ///
    ///     REQUIRE(multiplier >= 0); REQUIRE(2 <= shift <= 62);
    ///     REQUIRE(value >= -(1 << (shift - 1)) && value < (1 << (shift - 1)));
    ///     round = 1 << (shift - 1);
    ///     if (double_round && shift > 31) { round += value >= 0 ? 1 << 30 : -(1 << 30) }
    ///     result = (value * multiplier + round) >> shift
    ///
    /// Returns nil when a REQUIRE fails (the caller turns that into an error).
    public static func applyScale32(value v: Int, multiplier m: Int, shift s: Int, doubleRound: Bool) -> Int? {
        guard m >= 0, m < (1 << 31), (2...62).contains(s), v >= Int(Int32.min), v <= Int(Int32.max) else { return nil }
        guard v >= -(1 << (s - 1)), v < (1 << (s - 1)) else { return nil }
        var round = 1 << (s - 1)
        if doubleRound && s > 31 { round += v >= 0 ? 1 << 30 : -(1 << 30) }
        let r = (v * m + round) >> s
        precondition(r >= Int(Int32.min) && r <= Int(Int32.max), "TOSA guarantees an int32 result")
        return r
    }

    /// Our (M0, shift) convention mapped to TOSA: m = M0, s = 31 - shift; `double` is double_round.
    public static func rescale(_ v: Int, multiplier: Int32, shift: Int32, rounding: RescaleRounding) -> Int? {
        applyScale32(value: v, multiplier: Int(multiplier), shift: 31 - Int(shift), doubleRound: rounding == .double)
    }
}
