import IntRSExact

/// ``NeymanPearson`` on the arbitrary-precision rungs (``BigShiftLaw``): the same enclosures, bounds and
/// proofs (NP-1, NP-3, NP-4) with every sum an exact ``BigInt`` and every comparison an exact ``Rational`` one.
///
/// One difference from the fixed-width path, in the lower end of ``worstA(_:shift:p:)``: the weak-duality
/// multiplier `lambda` is an EXACT rational ratio of enclosed layer masses (no floats, no 40-bit dyadic
/// rounding), so the duality gap shrinks with F instead of stalling near `2^-40`. Any `lambda >= 0` gives a
/// valid bound (NP-4), so this choice affects only tightness.
extension NeymanPearson {
    /// The primal walk on the lower masses: (tau, theta) with sum_{t<tau} lo_t + theta lo_tau >= p exactly.
    public static func lowerWalk(_ law: BigShiftLaw, p: Rational) -> Threshold? {
        let P = p.timesPowerOfTwo(law.fractionBits)
        var c = BigInt(0)
        for (i, l) in law.lo.enumerated() where l.signum > 0 {
            let next = c + l
            if Rational(next) >= P {
                let theta = (P - Rational(c)) / Rational(l)
                return Threshold(tau: law.offset + i, theta: Rational.max(theta, Rational(0)))
            }
            c = next
        }
        return nil
    }

    /// Upper bound on worstA(p): the shifted mass of the lower-walk test, plus the tail.
    public static func worstAUpper(_ law: BigShiftLaw, shift n2: Int, p: Rational) -> (bound: Rational, test: Threshold?) {
        if p.signum <= 0 { return (Rational(0), nil) }
        guard let th = lowerWalk(law, p: p) else { return (Rational(1), nil) }
        // shifted mass of {t < tau} = P[T < tau - n2]; of layer tau = P[T = tau - n2].
        var s = law.tail
        let cut = th.tau - n2
        for t in law.support where t < cut { s += law.hiAt(t) }
        let bound = law.rational(s) + th.theta * law.rational(law.hiAt(cut))
        return (Rational.min(bound, Rational(1)), th)
    }

    /// Lower bound on worstA(p) by weak duality with an exact multiplier `lambda = num / den >= 0`:
    /// lambda p - sum_{t in window} (lambda hi_t - lo_{t - n2})^+ 2^-F - lambda tail 2^-F (NP-4), evaluated exactly.
    static func dualBound(_ law: BigShiftLaw, shift n2: Int, p: Rational, num: BigInt, den: BigInt) -> Rational {
        precondition(num.signum >= 0 && den.signum > 0, "dualBound: lambda must be a nonnegative ratio")
        // Terms in units 2^-F / den: (num hi_t - den lo_{t-n2})^+.
        var sum = BigInt(0)
        for (i, h) in law.hi.enumerated() where h.signum > 0 {
            let term = num * h - den * law.loAt(law.offset + i - n2)
            if term.signum > 0 { sum += term }
        }
        let lambda = Rational(num, den)
        return lambda * p - Rational(sum, den).timesPowerOfTwo(-law.fractionBits) - lambda * law.rational(law.tail)
    }

    /// Enclosure of worstA(p) (the minimal shifted mass of a test with clean mass >= p).
    public static func worstA(_ law: BigShiftLaw, shift n2: Int, p: Rational) -> Interval {
        if p.signum <= 0 { return Interval(exactly: Rational(0)) }
        let (upper, test) = worstAUpper(law, shift: n2, p: p)
        var best = Rational(0)
        // Multiplier candidates: the likelihood ratio b_t / a_t = a_{t-n2} / a_t, estimated exactly from the
        // enclosures (lo + hi) at layers near tau (the optimal multiplier is the ratio at tau, NP-1).
        let tau = test?.tau ?? (law.offset + law.lo.count - 1)
        for t in [tau - 1, tau, tau + 1] {
            let num = law.loAt(t - n2) + law.hiAt(t - n2)
            let den = law.loAt(t) + law.hiAt(t)
            guard den.signum > 0, num.signum > 0 else { continue }
            best = Rational.max(best, dualBound(law, shift: n2, p: p, num: num, den: den))
        }
        best = Rational.min(best, upper)
        return Interval(lo: best, hi: upper)
    }

    /// Enclosure of bestB(p) = 1 - worstA(1 - p).
    public static func bestB(_ law: BigShiftLaw, shift n2: Int, p: Rational) -> Interval {
        let w = worstA(law, shift: n2, p: Rational(1) - p)
        return Interval(lo: Rational(1) - w.hi, hi: Rational(1) - w.lo)
    }

    /// Enclosure of the two-class margin worstA(pA) - bestB(pB).
    public static func margin(_ law: BigShiftLaw, shift n2: Int, pA: Rational, pB: Rational) -> Interval {
        worstA(law, shift: n2, p: pA) - bestB(law, shift: n2, p: pB)
    }

    /// Enclosure of the binary-form margin worstA(pA) - 1/2.
    public static func binaryMargin(_ law: BigShiftLaw, shift n2: Int, p pA: Rational) -> Interval {
        worstA(law, shift: n2, p: pA) - Interval(exactly: Rational(1, 2))
    }

    /// Enclosure of midCDF_T(n2) = P[T < n2] + P[T = n2] / 2 (NP-3), as ``midCDF(_:at:)`` for ``ShiftLaw``:
    /// lower end from the lower masses; upper end the smaller of the upper masses plus the tail and, by
    /// symmetry, 1 - P[T > n2] - P[T = n2]/2 from the lower masses.
    public static func midCDF(_ law: BigShiftLaw, at n2: Int) -> Interval {
        var below = BigInt(0), belowHi = BigInt(0), above = BigInt(0)
        for (i, l) in law.lo.enumerated() {
            let t = law.offset + i
            if t < n2 { below += l; belowHi += law.hi[i] } else if t > n2 { above += l }
        }
        let half = Rational(1, 2)
        let lo = law.rational(below) + half * law.rational(law.loAt(n2))
        let hi1 = law.rational(belowHi + law.tail) + half * law.rational(law.hiAt(n2))
        let hi2 = Rational(1) - law.rational(above) - half * law.rational(law.loAt(n2))
        return Interval(lo: lo, hi: Rational.max(lo, Rational.min(hi1, hi2)))
    }
}
