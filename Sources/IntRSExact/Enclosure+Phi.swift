extension Enclosure {
    /// A rigorous enclosure of the standard normal CDF `Phi(x) = P[Z <= x]`, `Z ~ N(0, 1)`, with
    /// dyadic endpoints (Proofs: ENC-1). Defined for every rational `x`.
    ///
    /// Width (`bits >= 0`):
    /// - `x >= 0`: `hi - lo <= 2^-bits` (absolute);
    /// - `x < 0` (the lower tail): `hi - lo <= 2^-bits * max(Phi(x), 2^-2048)`, i.e. *relative*
    ///   precision `2^-bits` for every tail probability down to `2^-2048` (x >= about -53), so
    ///   `Phi(-10) ~ 7.6e-24` or `Phi(-40) ~ 3.7e-350` come with all their significant bits;
    ///   below that, absolute `2^-(bits+2048)` (then `lo` may be 0).
    ///
    /// Method: `Phi(x) = 1 - Q(x)` for `x > 0` and `Phi(x) = Q(-x)` for `x < 0`, where the upper tail
    /// `Q(y)`, `y > 0`, is enclosed with relative precision by ``upperTail(_:precision:)``.
    public static func phi(_ x: Rational, bits: Int) -> Interval {
        precondition(bits >= 0, "Enclosure.phi: bits must be >= 0")
        if x.isZero { return Interval(exactly: Rational(1, 2)) }
        let y = x.magnitude
        if x.signum > 0 {
            // Q(y) <= e^(-y^2/2) <= 2^(-1.44 y^2/2): if that is below 2^-(bits+3), [1 - 2^-(bits+2), 1].
            if y * y * Rational(18, 25) >= Rational(bits + 3) {
                return Interval(lo: 1 - Rational(1).timesPowerOfTwo(-(bits + 2)), hi: 1)
            }
            var w = bits + 4
            while true {
                let q = upperTail(y, precision: w)
                let r = (Interval(exactly: 1) - q).outward(bits + 2)
                if r.width <= Rational(1).timesPowerOfTwo(-bits) { return r }
                w += 16 + w / 2
            }
        }
        // Lower tail. Q(y) <= e^(-y^2/2) <= 2^-(bits+2051) when 1.44 y^2/2 >= bits + 2051.
        if y * y * Rational(18, 25) >= Rational(bits + 2051) {
            return Interval(lo: 0, hi: Rational(1).timesPowerOfTwo(-(bits + 2048)))
        }
        var w = bits + 4
        while true {
            let q = upperTail(y, precision: w)
            let tau = Swift.max(q.lo.signum > 0 ? q.lo.approximateLog2 : -2049, -2049)
            let r = q.outward(bits + 3 - tau)
            let scale = q.lo.signum > 0 ? Rational.max(q.lo, Rational(1).timesPowerOfTwo(-2048)) : Rational(1).timesPowerOfTwo(-2048)
            if r.width <= scale.timesPowerOfTwo(-bits) { return r }
            w += 16 + w / 2
        }
    }

    /// Enclosure of `Phi(x)` for every `x` in the interval (`Phi` is increasing):
    /// `[phi(lo).lo, phi(hi).hi]`.
    public static func phi(_ x: Interval, bits: Int) -> Interval {
        Interval(lo: phi(x.lo, bits: bits).lo, hi: phi(x.hi, bits: bits).hi)
    }

    /// `1 / sqrt(2 pi)`, enclosed with width below `2^-(w-2)`.
    static func inverseSqrtTwoPi(precision w: Int) -> Interval {
        let twoPi = pi(precision: w + 8) * Rational(2)
        let root = sqrt(twoPi, bits: w + 8)
        return Interval(lo: root.hi.reciprocal, hi: root.lo.reciprocal).outward(w + 4)
    }

    /// The upper tail `Q(y) = 1 - Phi(y) = P[Z > y]` for rational `y > 0`, enclosed with relative
    /// width about `2^-w` or better (the caller checks). Exact-rational endpoints.
    ///
    /// Two rigorous methods (Proofs: ENC-1):
    /// - large `y` (`y^2 >= 1.4 (w + 16)`): the asymptotic expansion with the integration-by-parts
    ///   remainder, ``asymptoticTailRatio(_:precision:)``: `Q(y) = phi(y) (A_n + R_n)`;
    /// - otherwise the everywhere-convergent positive series
    ///   `Phi(y) = 1/2 + phi(y) S(y)`, `S(y) = sum_n y^(2n+1) / (2n+1)!!`, so `Q(y) = 1/2 - phi(y) S(y)`,
    ///   computed with enough extra bits to absorb the cancellation (about `0.73 y^2`).
    /// Here `phi(y) = e^(-y^2/2) / sqrt(2 pi)` is the normal density, enclosed with relative precision.
    static func upperTail(_ y: Rational, precision w: Int) -> Interval {
        precondition(y.signum > 0)
        let y2 = y * y
        if y2 >= Rational(14, 10) * Rational(w + 16),
           let ratio = asymptoticTailRatio(y, precision: w + 8) {
            let density = expRelative(-y2 / 2, precision: w + 8) * inverseSqrtTwoPi(precision: w + 8)
            return density * ratio
        }
        // Cancellation: Q(y) is about phi(y)/y ~ 2^-(0.73 y^2) while phi(y) S(y) is about 1/2.
        let extra = (y2 * Rational(3, 4)).ceil.asInt ?? 0
        var g = w + extra + abs(y.approximateLog2) + 16
        while true {
            let density = expRelative(-y2 / 2, precision: g + 4) * inverseSqrtTwoPi(precision: g + 4)
            let s = positiveSeries(y, scale: g + 4 + Swift.max(0, -y.approximateLog2))
            let product = (density * s).outward(g + 8)
            let q = Interval(exactly: Rational(1, 2)) - product
            if q.lo.signum > 0, q.width <= q.lo.timesPowerOfTwo(-w) { return q }
            g += 16 + g / 2
        }
    }

    /// `S(y) = sum_{n>=0} y^(2n+1) / (2n+1)!!` for rational `y > 0`, at fixed-point scale `2^-g`.
    ///
    /// The terms `t_n` are positive with `t_{n+1} = t_n y^2 / (2n+3)`; the ratios decrease, so once
    /// `2n + 1 >= 2 y^2` every later ratio is `<= 1/2` and `sum_{m>=n} t_m <= 2 t_n`. The sum stops at
    /// such an `n` whose term's upper bound is at most one unit and adds `2` units (the tail) to the
    /// upper side. Terms are carried with floor (lower) and ceil (upper) rounding.
    static func positiveSeries(_ y: Rational, scale g: Int) -> Interval {
        let a = y.numerator, b = y.denominator
        let a2 = a * a, b2 = b * b
        var tLo = (a << g).floorDiv(b), tHi = (a << g).ceilDiv(b)
        var sumLo = BigInt(0), sumHi = BigInt(0)
        var n = 0
        while true {
            let odd = BigInt(2 * n + 3)
            // ratio bound from here on: y^2/(2n+1) <= 1/2  <=>  (2n+1) b^2 >= 2 a^2
            if tHi <= 1 && BigInt(2 * n + 1) * b2 >= a2 * 2 {
                sumHi += tHi * 2
                break
            }
            sumLo += tLo; sumHi += tHi
            tLo = (tLo * a2).floorDiv(b2 * odd)
            tHi = (tHi * a2).ceilDiv(b2 * odd)
            n += 1
        }
        return Interval.fixed(sumLo, sumHi, scale: g)
    }

    /// Encloses `Q(y) / phi(y)` (the Mills ratio) for `y > 0` with the asymptotic expansion, or
    /// returns nil if its terms stop decreasing before reaching relative precision `2^-w`.
    ///
    /// Integration by parts (`phi'(t) = -t phi(t)`) gives, for `I_m = int_y^inf phi(t) t^-m dt`,
    /// `I_m = phi(y) y^-(m+1) - (m+1) I_{m+2}`; hence with `c_k = (2k-1)!! / y^(2k+1)` (`c_0 = 1/y`)
    /// `Q(y) = I_0 = phi(y) sum_{k=0}^{n} (-1)^k c_k + (-1)^(n+1) (2n+1)!! I_{2n+2}`, and
    /// `0 < I_{2n+2} <= y^-(2n+3) int_y^inf t phi(t) dt = phi(y) / y^(2n+3)`, so the remainder is at
    /// most `phi(y) c_{n+1}` in magnitude. We enclose `Q/phi` in `[A_n - c_{n+1}, A_n + c_{n+1}]`.
    /// Stopping rule: `c_{n+1} <= 1` unit of `2^-g`, with `g = w + 4 + 2 bitWidth(y)`, which is
    /// relative `2^-w` since `Q/phi >= y/(1+y^2)`.
    static func asymptoticTailRatio(_ y: Rational, precision w: Int) -> Interval? {
        let a = y.numerator, b = y.denominator
        let a2 = a * a, b2 = b * b
        let g = w + 4 + 2 * (y.approximateLog2 + 2)
        var cLo = (b << g).floorDiv(a), cHi = (b << g).ceilDiv(a) // c_0 = 1/y
        var sumLo = BigInt(0), sumHi = BigInt(0)
        var k = 0
        while true {
            if k % 2 == 0 { sumLo += cLo; sumHi += cHi } else { sumLo -= cHi; sumHi -= cLo }
            // c_{k+1} = c_k (2k+1) / y^2
            let m = BigInt(2 * k + 1) * b2
            let nLo = (cLo * m).floorDiv(a2), nHi = (cHi * m).ceilDiv(a2)
            if nHi <= 1 {
                sumLo -= nHi; sumHi += nHi
                return sumLo.signum > 0 ? Interval.fixed(sumLo, sumHi, scale: g) : nil
            }
            if m >= a2 { return nil } // terms no longer decrease: the expansion cannot reach 2^-w
            cLo = nLo; cHi = nHi
            k += 1
        }
    }
}
