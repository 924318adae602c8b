extension Enclosure {
    /// A rigorous enclosure of the natural logarithm `ln x` with dyadic endpoints and absolute width
    /// `hi - lo <= 2^-bits` (Proofs: ENC-1). Precondition: `x > 0` (traps otherwise; validate
    /// untrusted input first). `log(1)` is exactly `[0, 0]`.
    ///
    /// Method: `x = 2^e * m` exactly with `e = bitWidth(numerator) - bitWidth(denominator)`, so that
    /// `1/2 < m < 2`; then `ln x = e ln 2 + 2 atanh(z)` with `z = (m - 1)/(m + 1)`, `|z| < 1/3`, an
    /// exact rational. The atanh series and its tail bound are in ``atanhSeries(_:precision:)``;
    /// ln 2 is enclosed with `bitWidth(e)` extra bits so that `e ln 2` keeps the target width.
    public static func log(_ x: Rational, bits: Int) -> Interval {
        precondition(bits >= 0, "Enclosure.log: bits must be >= 0")
        precondition(x.signum > 0, "Enclosure.log: x must be > 0 (got \(x))")
        if x == Rational(1) { return Interval(exactly: 0) }
        let e = x.approximateLog2
        let m = x.timesPowerOfTwo(-e)
        let z = (m - 1) / (m + 1)
        let eBits = BigInt(e).magnitude.bitWidth
        var w = bits + 12
        while true {
            let series = atanhSeries(z, precision: w + 4) * Rational(2)
            let v = e == 0 ? series : ln2(precision: w + eBits + 4) * Rational(e) + series
            let r = v.outward(bits + 2)
            if r.width <= Rational(1).timesPowerOfTwo(-bits) { return r }
            w += 16 + w / 2
        }
    }

    /// Enclosure of `ln x` for every `x` in the interval (`ln` is increasing): `[log(lo).lo, log(hi).hi]`.
    /// Precondition: `x.lo > 0`.
    public static func log(_ x: Interval, bits: Int) -> Interval {
        Interval(lo: log(x.lo, bits: bits).lo, hi: log(x.hi, bits: bits).hi)
    }
}
