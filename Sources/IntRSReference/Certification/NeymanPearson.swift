import IntRSExact

/// The Neyman–Pearson worst case for an integer shift, on an enclosed law of `T = <delta, eps>`.
///
/// Setting (Proofs: NP-1): a base classifier is a test `phi(z) in [0, 1]` on noisy points. Under discrete
/// Gaussian noise the likelihood ratio between the shifted input `x + delta` and the clean input `x` at a
/// noisy point depends only on the layer `t = <delta, z - x>` and is increasing in `t`; the shifted law of
/// the layer statistic is `T + n2` with `n2 = |delta|^2`. Hence
///
///     worstA(p) = min { P[T + n2 in phi] : P[T in phi] >= p }
///
/// is attained by the layer threshold test "t < tau, plus a fraction theta of layer tau", and
/// `bestB(p) = 1 - worstA(1 - p)`. For any per-coordinate law, the same walk gives the best
/// classifier among layer-threshold tests, which upper-bounds the true minimum; it is exact for the
/// discrete Gaussian (all d) and for a single nonzero coordinate under a log-concave law.
///
/// Every result is an ``Interval`` that provably contains the true value for every law consistent
/// with the ``ShiftLaw`` enclosure:
/// - the UPPER end is the shifted mass of a concrete feasible test (walk on the lower masses);
/// - the LOWER end is a weak-duality bound `lambda p - sum_t (lambda a_t - b_t)^+` for a dyadic `lambda`
///   chosen near the optimal multiplier (floats only choose `lambda`; the bound holds for any `lambda`).
public enum NeymanPearson {
    /// The threshold test found by walking layers upward on the LOWER masses: layers `t < tau` in full,
    /// layer `tau` with fraction `theta`, guaranteeing clean mass >= p. nil when the window's lower
    /// masses cannot reach p.
    public struct Threshold: Sendable, Equatable {
        public let tau: Int
        public let theta: Rational
    }

    /// The primal walk: (tau, theta) with sum_{t<tau} lo_t + theta lo_tau >= p exactly.
    public static func lowerWalk(_ law: ShiftLaw, p: Rational) -> Threshold? {
        let P = p.timesPowerOfTwo(law.fractionBits)
        var c: UInt128 = 0
        for (i, l) in law.lo.enumerated() where l > 0 {
            let next = c + UInt128(l)
            if Rational(BigInt(Int128(next))) >= P {
                let theta = (P - Rational(BigInt(Int128(c)))) / Rational(BigInt(Int128(l)))
                return Threshold(tau: law.offset + i, theta: Rational.max(theta, Rational(0)))
            }
            c = next
        }
        return nil
    }

    /// Upper bound on worstA(p): the shifted mass of the lower-walk test, plus the tail.
    public static func worstAUpper(_ law: ShiftLaw, shift n2: Int, p: Rational) -> (bound: Rational, test: Threshold?) {
        if p.signum <= 0 { return (Rational(0), nil) }
        guard let th = lowerWalk(law, p: p) else { return (Rational(1), nil) }
        // shifted mass of {t < tau} = P[T < tau - n2]; of layer tau = P[T = tau - n2].
        var s: UInt128 = UInt128(law.tail)
        let cut = th.tau - n2
        var t = law.offset
        while t < cut && t < law.offset + law.hi.count { s += UInt128(law.hiAt(t)); t += 1 }
        let bound = law.rational(s) + th.theta * law.rational(law.hiAt(cut))
        return (Rational.min(bound, Rational(1)), th)
    }

    /// Lower bound on worstA(p) by weak duality with multiplier lambda = L / 2^k:
    /// lambda p - sum_{t in window} (lambda hi_t - lo_{t - n2})^+ - lambda tail.
    static func dualBound(_ law: ShiftLaw, shift n2: Int, p: Rational, L: UInt64, k: Int) -> Rational {
        // terms in units 2^-(F+k): L*hi_t - lo_{t-n2} * 2^k, positive part.
        var sum: UInt128 = 0
        var carries = 0
        precondition(k >= 0 && k <= 100 && L < (UInt64(1) << 41), "dualBound: multiplier out of range")
        let lim = 104 - k // b >= 2^lim implies b * 2^k >= 2^104 > L * hi (L < 2^41, hi < 2^63): term 0
        for (i, h) in law.hi.enumerated() where h > 0 {
            let t = law.offset + i
            let plus = UInt128(L) * UInt128(h)
            let b = law.loAt(t - n2)
            if lim < 64 && (b >> UInt64(lim)) != 0 { continue }
            let minus = UInt128(b) << UInt128(k)
            if plus > minus {
                let (r, o) = sum.addingReportingOverflow(plus - minus)
                sum = r
                if o { carries += 1 }
            }
        }
        let F = law.fractionBits
        let lambda = Rational.dyadic(BigInt(L), exponent: -k)
        var total = Rational.dyadic(BigInt(Int128(sum >> 1)), exponent: 1 - F - k)
            + Rational.dyadic(BigInt(Int128(sum & 1)), exponent: -F - k)
        if carries > 0 { total += Rational.dyadic(BigInt(carries), exponent: 128 - F - k) }
        return lambda * p - total - lambda * law.rational(law.tail)
    }

    /// Enclosure of worstA(p) (the minimal shifted mass of a test with clean mass >= p).
    public static func worstA(_ law: ShiftLaw, shift n2: Int, p: Rational) -> Interval {
        if p.signum <= 0 { return Interval(exactly: Rational(0)) }
        let (upper, test) = worstAUpper(law, shift: n2, p: p)
        var best = Rational(0)
        // Multiplier candidates: the likelihood ratio a_{t-n2}/a_t estimated at layers near tau.
        let tau = test?.tau ?? (law.offset + law.lo.count - 1)
        for t in [tau - 1, tau, tau + 1] {
            let num = Double(law.loAt(t - n2)) + Double(law.hiAt(t - n2))
            let den = Double(law.loAt(t)) + Double(law.hiAt(t))
            guard den > 0, num > 0 else { continue }
            let lam = num / den
            guard lam.isFinite, lam > 0x1p-60, lam < 0x1p38 else { continue }
            let k = 40 - Int(lam.exponent)
            let L = UInt64((lam * Double(sign: .plus, exponent: k, significand: 1)).rounded(.down))
            guard L > 0 else { continue }
            best = Rational.max(best, dualBound(law, shift: n2, p: p, L: L, k: k))
        }
        best = Rational.min(best, upper)
        return Interval(lo: best, hi: upper)
    }

    /// Enclosure of bestB(p) = 1 - worstA(1 - p) (the maximal shifted mass of a test with clean mass <= p).
    public static func bestB(_ law: ShiftLaw, shift n2: Int, p: Rational) -> Interval {
        let w = worstA(law, shift: n2, p: Rational(1) - p)
        return Interval(lo: Rational(1) - w.hi, hi: Rational(1) - w.lo)
    }

    /// Enclosure of the two-class margin worstA(pA) - bestB(pB): delta is certified iff it is > 0.
    public static func margin(_ law: ShiftLaw, shift n2: Int, pA: Rational, pB: Rational) -> Interval {
        worstA(law, shift: n2, p: pA) - bestB(law, shift: n2, p: pB)
    }

    /// Enclosure of the binary-form margin worstA(pA) - 1/2.
    public static func binaryMargin(_ law: ShiftLaw, shift n2: Int, p pA: Rational) -> Interval {
        worstA(law, shift: n2, p: pA) - Interval(exactly: Rational(1, 2))
    }

    /// Enclosure of midCDF_T(n2) = P[T < n2] + P[T = n2] / 2. For a law of T symmetric about 0 with a
    /// likelihood ratio increasing in t (discrete Gaussian), worstA(pA) > 1/2 iff pA > midCDF_T(n2)
    /// (Proofs: NP-3). The upper end uses symmetry: midCDF = 1 - P[T > n2] - P[T = n2]/2.
    public static func midCDF(_ law: ShiftLaw, at n2: Int) -> Interval {
        var below: UInt128 = 0, belowHi: UInt128 = 0, above: UInt128 = 0
        for (i, l) in law.lo.enumerated() {
            let t = law.offset + i
            if t < n2 { below += UInt128(l); belowHi += UInt128(law.hi[i]) }
            else if t > n2 { above += UInt128(l) }
        }
        let half = Rational(1, 2)
        let lo = law.rational(below) + half * law.rational(law.loAt(n2))
        let hi1 = law.rational(belowHi + UInt128(law.tail)) + half * law.rational(law.hiAt(n2))
        let hi2 = Rational(1) - law.rational(above) - half * law.rational(law.loAt(n2))
        return Interval(lo: lo, hi: Rational.max(lo, Rational.min(hi1, hi2)))
    }
}

/// A rigorous three-way decision.
public enum Decision: String, Sendable, Codable, Equatable {
    /// Proven: the quantity is > 0 (certified).
    case certified
    /// Proven: the quantity is <= 0 (not certified; a witness exists).
    case notCertified = "not-certified"
    /// The enclosure straddles the threshold at every precision tried: treated as not certified.
    case undecided

    /// Decides `x > 0` from an enclosure.
    public init(positive x: Interval) {
        if x.lo.signum > 0 { self = .certified } else if x.hi.signum <= 0 { self = .notCertified } else { self = .undecided }
    }

    /// Whether the certificate may be used (undecided counts as not certified).
    public var isCertified: Bool { self == .certified }
}
