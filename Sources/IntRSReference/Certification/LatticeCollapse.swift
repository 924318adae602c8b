import IntRSExact

/// The lattice collapse (Proofs: COL-1): under discrete Gaussian noise, the law of `T = <delta, eps>` depends on
/// the integer shift delta, up to a tiny and rigorously bounded total variation, only through its CLASS
/// `(g, m)`: `g = gcd(delta)` and `m = |delta / g|^2` (so `|delta|^2 = g^2 m`).
///
/// Statement (COL-1). Let eps be i.i.d. N_Z(0, sigma2) on Z^k, delta' in Z^k primitive (gcd 1) with k nonzero
/// entries and |delta'|^2 = m, and U = <delta', eps>. Then
///
///     TV(law of U, N_Z(0, sigma2 * m)) <= beta / (1 - beta),
///     beta <= sqrt(2 pi m sigma2) * ( e^(-2 pi^2 sigma2 / m) + (e^(k eps1) - 1) ),
///     eps1  = 2 e^(-pi^2 sigma2 / 2) / (1 - e^(-2 pi^2 sigma2)),
///
/// whenever beta < 1. For the shift delta = g delta', T = g U and the shifted statistic is T + |delta|^2 =
/// g (U + g m): the Neyman–Pearson problem of delta is the one-dimensional problem "N_Z(0, sigma2 m) against its
/// shift by h = g m" up to that total variation tau. Consequences used by the tight search: with
/// tau >= TV, worstA_delta(pA) >= worstA_Q(pA - tau) - tau and bestB_delta(pB) <= bestB_Q(pB + tau) + tau
/// (a test's clean and shifted masses move by at most tau each), so
/// `worstA_Q(pA - tau) - bestB_Q(pB + tau) > 2 tau` (two-class) or `worstA_Q(pA - tau) - 1/2 > tau` (binary)
/// certifies EVERY shift of the class at once, whatever the dimension. Symmetrically, worstA_delta(pA) <=
/// worstA_Q(pA + tau) + tau and bestB_delta(pB) >= bestB_Q(pB - tau) - tau prove a whole class NOT certified; the
/// witness of n* is then a concrete pattern of that class whose exact analysis confirms it (never the collapse
/// alone).
///
/// Rigour: pi is bounded by the classical 333/106 < pi < 355/113; every exponential is an `Enclosure.exp`
/// upper end (arguments capped at -2000 where that only loosens the bound); the square root is an
/// `Enclosure.sqrt` upper end; `e^x - 1 <= x / (1 - x)` for 0 <= x < 1. The bound is then rounded UP to a power
/// of two, and never below 2^-256 (a larger bound is still a bound; it keeps the rationals small).
public enum LatticeCollapse {
    /// 333/106 < pi (classical; 333/106 = 3.14150...).
    static let piLower = Rational(333, 106)
    /// pi < 355/113 (classical; 355/113 = 3.1415929...).
    static let piUpper = Rational(355, 113)
    /// The smallest bound returned: 2^-256.
    public static let floorExponent = -256

    /// A rigorous upper bound on e^(-x) for x >= 0 (x capped at 2000: e^-x <= e^-2000 for larger x).
    static func expNegUpper(_ x: Rational) -> Rational {
        let capped = Rational.min(x, Rational(2000))
        return Enclosure.exp(-capped, bits: 24).hi
    }

    /// A rigorous upper bound tau on the total variation between the law of U = <delta', eps> and
    /// N_Z(0, sigma2 * m), for EVERY primitive integer delta' with |delta'|^2 = m and at most k nonzero entries
    /// (eps i.i.d. N_Z(0, sigma2)). Returns a power of two >= the COL-1 bound (>= 2^-256), or nil when the
    /// bound is useless (beta >= 1/2). For m == 1 the law IS N_Z(0, sigma2) (delta' = (1)): returns 0.
    public static func tvBound(sigma2: Rational, m: Int, k: Int) -> Rational? {
        precondition(sigma2.signum > 0 && m >= 1 && k >= 1)
        if m == 1 { return Rational(0) }
        let piLo2 = piLower * piLower
        // eps1 = 2 e^(-pi^2 sigma2 / 2) / (1 - e^(-2 pi^2 sigma2)): upper ends (pi from below in both exponents).
        let eHalf = expNegUpper(piLo2 * sigma2 / Rational(2))
        let eFull = expNegUpper(Rational(2) * piLo2 * sigma2)
        guard eFull < Rational(1) else { return nil }
        let eps1 = Rational(2) * eHalf / (Rational(1) - eFull)
        let x = Rational(k) * eps1
        guard x < Rational(1, 2) else { return nil }
        let productTerm = x / (Rational(1) - x)                       // >= e^(k eps1) - 1
        let mainTerm = expNegUpper(Rational(2) * piLo2 * sigma2 / Rational(m))
        let root = Enclosure.sqrt(Rational(2) * piUpper * Rational(m) * sigma2, bits: 16).hi
        let beta = root * (mainTerm + productTerm)
        guard beta < Rational(1, 2) else { return nil }
        return roundUpToPowerOfTwo(beta / (Rational(1) - beta))
    }

    /// The least 2^e >= x (x > 0), and never below 2^floorExponent.
    static func roundUpToPowerOfTwo(_ x: Rational) -> Rational {
        var e = floorExponent
        var p = Rational(1).timesPowerOfTwo(e)
        while p < x { e += 1; p = p.timesPowerOfTwo(1) }
        return p
    }

    /// Caches the one-dimensional comparison laws N_Z(0, sigma2 * m) and the class decisions of one tight search.
    ///
    /// A class `(g, m)` (m >= 2) is decided through the enclosed margin of N_Z(0, sigma2 m) against its shift by
    /// h = g m, with pA and pB moved by tau = ``tvBound(sigma2:m:k:)`` for k = min(d, m) (see ``Oracle/decide(n2:gcd:)``):
    /// certified, proven NOT certified, or undecided (the caller then analyses the pattern exactly).
    public final class Oracle {
        public let sigma2: Rational
        public let pA: Rational
        public let pB: Rational?
        public let dimension: Int
        private var lastM = 0
        private var laws: [ShiftLaw] = []
        private var decisions: [Int: Decision] = [:]
        private var bounds: [Int: Rational?] = [:]
        /// Classes certified so far, and the largest tau any of them used.
        public private(set) var classesCertified = 0
        public private(set) var largestTau = Rational(0)

        public init(sigma2: Rational, pA: Rational, pB: Rational?, dimension: Int) {
            self.sigma2 = sigma2; self.pA = pA; self.pB = pB; self.dimension = dimension
        }

        /// The enclosed law of N_Z(0, sigma2 m) at the fixed-width ladder rung `rung` (0 or 1). Only the last m's laws
        /// are kept: a reduced norm m rarely recurs within one search, and at large sigma2 each law has ~1e5 entries.
        func comparisonLaw(m: Int, rung: Int) -> ShiftLaw {
            if lastM != m { lastM = m; laws = [] }
            if laws.count > rung { return laws[rung] }
            let p = Precision.ladder[laws.count]
            laws.append(ShiftLaw.discreteGaussian(sigma2: sigma2 * Rational(m), fractionBits: p.fractionBits, tailBits: p.noiseBits))
            return comparisonLaw(m: m, rung: rung)
        }

        /// The COL-1 bound for classes with reduced norm m (k = min(d, m)), cached.
        public func tau(m: Int) -> Rational? {
            if let b = bounds[m] { return b }
            let b = tvBound(sigma2: sigma2, m: m, k: min(dimension, m))
            bounds[m] = b
            return b
        }

        /// The witness rule's class at norm n2: among the classes (g, n2 / g^2) with m >= 2 and a pattern of at most
        /// `dimension` parts that COL-1 proves NOT certified, the one whose shortest pattern has the fewest parts (ties:
        /// the smallest g), with that pattern; nil if none. Fewest parts keeps the witness cheap to analyse and to
        /// re-check by direct enumeration (NP-2).
        public func witnessClass(n2: Int, dimension d: Int) -> (pattern: [Int], gcd: Int)? {
            var best: (pattern: [Int], gcd: Int)? = nil
            var g = 1
            while 2 * g * g <= n2 {
                defer { g += 1 }
                guard n2 % (g * g) == 0,
                      let p = LatticeCollapse.shortestPattern(gcd: g, reducedNorm2: n2 / (g * g), maxParts: d) else { continue }
                if decide(n2: n2, gcd: g) == .notCertified, best == nil || p.count < best!.pattern.count { best = (p, g) }
            }
            return best
        }

        /// COL-1's verdict on EVERY shift delta with gcd(delta) = g, |delta|^2 = n2 and at most d nonzero entries:
        /// `.certified` (margin > 0 for all of them), `.notCertified` (margin <= 0 for all of them), or `.undecided`
        /// (the bound does not decide; the caller analyses the pattern exactly). With tau = ``tau(m:)`` and Q the
        /// comparison law, h = g m:
        /// - certified when worstA_Q(pA - tau) - bestB_Q(pB + tau) > 2 tau (binary: worstA_Q(pA - tau) - 1/2 > tau);
        /// - not certified when worstA_Q(pA + tau) - bestB_Q(pB - tau) + 2 tau <= 0 (binary: worstA_Q(pA + tau) + tau <= 1/2).
        /// Decided on the 52-bit rung, then the 62-bit rung. Single-entry classes (m = 1) are always `.undecided`
        /// here (their exact analysis is as cheap).
        public func decide(n2: Int, gcd g: Int) -> Decision {
            precondition(g >= 1 && n2 % (g * g) == 0)
            let m = n2 / (g * g)
            if m == 1 { return .undecided }
            let key = n2 &* 65_536 &+ g
            if let d = decisions[key] { return d }
            var result = Decision.undecided
            if let t = tau(m: m) {
                let slack = pB == nil ? t : Rational(2) * t
                let h = g * m
                func margin(_ law: ShiftLaw, _ a: Rational, _ b: Rational?) -> Interval? {
                    guard a.signum > 0, a <= Rational(1) else { return nil }
                    if let b { guard b.signum >= 0, b < Rational(1) else { return nil } }
                    let other = b.map { NeymanPearson.bestB(law, shift: h, p: $0) } ?? Interval(exactly: Rational(1, 2))
                    return NeymanPearson.worstA(law, shift: h, p: a) - other
                }
                for rung in 0..<Precision.ladder.count {
                    let law = comparisonLaw(m: m, rung: rung)
                    if let low = margin(law, pA - t, pB.map { $0 + t }), low.lo > slack { result = .certified; break }
                    if let high = margin(law, pA + t, pB.map { $0 - t }), high.hi + slack <= Rational(0) { result = .notCertified; break }
                }
                if result == .certified { classesCertified += 1; largestTau = Rational.max(largestTau, t) }
            }
            decisions[key] = result
            return result
        }
    }

    /// The greatest common divisor of two nonnegative integers (gcd(0, b) = b).
    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// The shortest pattern of the class (g, m): a nonincreasing sequence of positive parts g * a_i with
    /// sum a_i^2 = m, gcd(a) = 1 and the fewest parts (at most `maxParts`), the first in the search's enumeration
    /// order (lexicographically increasing) among those. nil when the class has no pattern with at most maxParts parts.
    public static func shortestPattern(gcd g: Int, reducedNorm2 m: Int, maxParts: Int) -> [Int]? {
        precondition(g >= 1 && m >= 1)
        var parts: [Int] = []
        // Exactly `left` more parts, each <= cap, squares summing to `rest`, in increasing lexicographic order.
        func fill(_ rest: Int, _ left: Int, _ cap: Int) -> Bool {
            if left == 0 { return rest == 0 && parts.reduce(0, LatticeCollapse.gcd) == 1 }
            var a = 1
            while a <= cap && a * a <= rest {
                let after = rest - a * a
                // the remaining left - 1 parts are each in 1 ... a
                if after >= left - 1 && after <= (left - 1) * a * a {
                    parts.append(a)
                    if fill(after, left - 1, a) { return true }
                    parts.removeLast()
                }
                a += 1
            }
            return false
        }
        for count in 1...max(1, min(maxParts, m)) {
            parts = []
            if fill(m, count, Int.max) { return parts.map { $0 * g } }
        }
        return nil
    }
}
