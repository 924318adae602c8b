extension Enclosure {
    /// A rigorous enclosure of `e^x` with dyadic endpoints (Proofs: ENC-1).
    ///
    /// Width (`bits >= 0`):
    /// - `x <= 0`: `hi - lo <= 2^-bits * e^x` (relative, hence also `<= 2^-bits` absolute, and
    ///   `lo > 0`: tiny values such as `e^-800` are enclosed to full relative precision);
    /// - `0 < x <= 64`: `hi - lo <= 2^-bits` (absolute);
    /// - `x > 64`: `hi - lo <= 2^-bits * e^x` (relative, as the pinned API allows for large arguments).
    ///
    /// Very negative arguments, `x < -2^24`: total, returns the sound enclosure
    /// `[0, 2^-min(bits, 2^24)]` (since `e^x < e^(-2^24) < 2^(-2^24)`); this is the one case where
    /// `lo = 0` and the width is absolute, not relative (the reference noise laws never reach it:
    /// their sigma2 domain keeps `|x| <= 2^12`).
    ///
    /// Precondition: `x <= 2^24` (the endpoints of `e^x` carry about `1.44 x` bits).
    ///
    /// Method: `x = k ln2 + r` with `k = round(x / ln 2)` (any integer `k` is correct; this one makes
    /// `|r| <= 0.35 + tiny`), `r` enclosed with an enclosure of ln 2; then `t = r / 2^s`, the Taylor
    /// series of `e^t` at both endpoints of `t` (e^t is increasing), `s` squarings, and the exact
    /// factor `2^k`. See ``expRelative(_:precision:)`` for the error analysis.
    public static func exp(_ x: Rational, bits: Int) -> Interval {
        precondition(bits >= 0, "Enclosure.exp: bits must be >= 0")
        precondition(x <= Rational(1 << 24), "Enclosure.exp: x must be <= 2^24")
        if x < Rational(-(1 << 24)) {
            return Interval(lo: Rational(0), hi: Rational(1).timesPowerOfTwo(-min(bits, 1 << 24)))
        }
        if x.isZero { return Interval(exactly: 1) }
        let relative = x.signum < 0 || x > Rational(64)
        // Target: width <= 2^-bits * 2^tau, tau = log2(e^x) (relative) or 0 (absolute).
        var w = bits + 4 + (relative ? 0 : max(0, (x * Rational(3, 2)).ceil.asInt ?? 0))
        while true {
            let y = expRelative(x, precision: w)
            let tau = relative ? y.lo.approximateLog2 : 0 // within 1 of log2(lo)
            let r = y.outward(bits + 3 - tau)
            let bound = relative ? y.lo.timesPowerOfTwo(-bits) : Rational(1).timesPowerOfTwo(-bits)
            if r.width <= bound { return r }
            w += 16 + w / 2
        }
    }

    /// `e^x` enclosed with relative width about `2^-w` (a few units of `2^-w` at most); endpoints
    /// are exact rationals (dyadic). Internal workhorse of ``exp(_:bits:)`` and ``phi(_:bits:)``.
    ///
    /// Error analysis (Proofs: ENC-1): with `g = w + s + bitWidth(k) + 16` guard bits,
    /// - `r = x - k ln2` is enclosed exactly from an enclosure of ln 2 of width `< 2^-(g+bitWidth(k))`,
    ///   so `width(r) < 2^-g`; `t = r / 2^s` is rounded outward to `2^-g`;
    /// - for a point `u` with `|u| <= 1/2`, `e^u = sum_{j<N} u^j/j! + R_N` with
    ///   `|R_N| <= |u|^N/N! * sum_{i>=0} (|u|/(N+1))^i <= 2 |u|^N / N!`; the terms are carried as
    ///   floor/ceil bounds at scale `2^-g`, and the sum stops at the first `N` whose term bound is
    ///   `<= 2^-g`, adding `±2 * 2^-g` for the tail;
    /// - each squaring of a positive interval at most doubles the relative width and adds an
    ///   outward rounding of `2^-g`; after `s` squarings the relative width is at most about
    ///   `2^(s + log2(N) + 4 - g) <= 2^-w`;
    /// - multiplying by `2^k` is exact.
    static func expRelative(_ x: Rational, precision w: Int) -> Interval {
        if x.isZero { return Interval(exactly: 1) }
        // k = round(x / ln 2), from a rational approximation of 1/ln 2 (choice only; any k is sound).
        let invLn2 = Rational(BigInt("1442695040888963407")!, BigInt(10).power(18))
        let k = (x * invLn2 + Rational(1, 2)).floor
        let kBits = k.magnitude.bitWidth
        var s = 4
        while s * s < 4 * w { s += 1 }
        s /= 2 // about sqrt(w): balances series length against squarings
        let g = w + s + kBits + 16
        let l2 = ln2(precision: g + kBits + 2)
        let r = Interval(exactly: x) - l2 * Rational(k)
        let t = r.timesPowerOfTwo(-s).outward(g)
        let eLo = taylorExpPoint(t.lo, scale: g).lo
        let eHi = taylorExpPoint(t.hi, scale: g).hi
        var y = Interval(lo: eLo, hi: eHi)
        for _ in 0..<s { y = (y * y).outward(g) }
        return y.timesPowerOfTwo(k.asInt!)
    }

    /// Taylor enclosure of `e^u` for a dyadic point `u = a / 2^g` with `|u| <= 1/2`, at scale `2^-g`.
    /// See the error analysis in ``expRelative(_:precision:)``.
    static func taylorExpPoint(_ u: Rational, scale g: Int) -> Interval {
        precondition(u.magnitude * 2 <= 1, "taylorExpPoint: |u| must be <= 1/2")
        let a = u.floorScaled(g) // exact: u is on the grid 2^-g
        precondition(Rational.dyadic(a, exponent: -g) == u, "taylorExpPoint: u must be on the 2^-g grid")
        let one = BigInt(1) << g
        var tLo = one, tHi = one // bounds on 2^g * u^j / j!
        var sumLo = BigInt(0), sumHi = BigInt(0)
        var j = 0
        while true {
            let m = Swift.max(tLo.magnitude, tHi.magnitude)
            if j > 0 && m <= 1 {
                // |R_j| <= 2 |u|^j / j! <= 2 m (in units of 2^-g).
                sumLo -= m * 2; sumHi += m * 2
                break
            }
            sumLo += tLo; sumHi += tHi
            // next term: t * u / (j+1) = t * a / (2^g (j+1)); a negative a swaps the bounds.
            let d = BigInt(j + 1) << g
            if a.signum >= 0 {
                (tLo, tHi) = ((tLo * a).floorDiv(d), (tHi * a).ceilDiv(d))
            } else {
                (tLo, tHi) = ((tHi * a).floorDiv(d), (tLo * a).ceilDiv(d))
            }
            j += 1
        }
        return Interval.fixed(sumLo, sumHi, scale: g)
    }

    /// Enclosure of `e^x` for every `x` in the interval: `[exp(x.lo).lo, exp(x.hi).hi]`
    /// (e^x is increasing). The width is that of the image plus the rounding of each endpoint.
    public static func exp(_ x: Interval, bits: Int) -> Interval {
        Interval(lo: exp(x.lo, bits: bits).lo, hi: exp(x.hi, bits: bits).hi)
    }
}
