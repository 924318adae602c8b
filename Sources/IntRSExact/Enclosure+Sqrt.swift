extension Enclosure {
    /// A rigorous enclosure of `sqrt(x)` with dyadic endpoints on the grid `2^-bits` and width
    /// `hi - lo <= 2^-bits`; exact (`lo == hi`) when `sqrt(x)` lies on that grid. Precondition:
    /// `x >= 0` (traps otherwise).
    ///
    /// Method (exact integer arithmetic, Proofs: ENC-1): let `X = x * 4^bits` and `s = isqrt(floor(X))`.
    /// Then `s^2 <= floor(X) <= X`, so `s / 2^bits <= sqrt(x)`; and `X < floor(X) + 1 <= (s + 1)^2`,
    /// so `sqrt(x) < (s + 1) / 2^bits`. When `X` is an integer equal to `s^2` the value is exact.
    public static func sqrt(_ x: Rational, bits: Int) -> Interval {
        precondition(bits >= 0, "Enclosure.sqrt: bits must be >= 0")
        precondition(x.signum >= 0, "Enclosure.sqrt: x must be >= 0 (got \(x))")
        let big = x.timesPowerOfTwo(2 * bits)
        let s = big.floor.squareRootFloor()
        let lo = Rational.dyadic(s, exponent: -bits)
        if big.isInteger && s * s == big.numerator { return Interval(exactly: lo) }
        return Interval(lo: lo, hi: Rational.dyadic(s + 1, exponent: -bits))
    }

    /// Enclosure of `sqrt(x)` for every `x` in the interval: `[sqrt(lo).lo, sqrt(hi).hi]`.
    /// Precondition: `x.lo >= 0`.
    public static func sqrt(_ x: Interval, bits: Int) -> Interval {
        Interval(lo: sqrt(x.lo, bits: bits).lo, hi: sqrt(x.hi, bits: bits).hi)
    }
}
