import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

/// `clopper-pearson` (v1): sound one-sided Clopper–Pearson bounds (Proofs: CP-1).
///
/// Each valid case gives (k, n, alpha, bits, side) and the bound as an exact dyadic "p/q": for the
/// lower side the largest multiple `L` of `2^-bits` with `P[Bin(n, L) >= k] <= alpha`; for the upper
/// side the smallest multiple `U` with `P[Bin(n, U) <= k] <= alpha`. Invalid cases must be rejected.
/// `conform` re-checks the defining property of every valid case independently of the bisection:
/// exactly on rationals for `n <= 200`, else with tail enclosures at 512 bits of working precision.
public enum ClopperPearsonSuite: VectorSuite {
    public static let name = "clopper-pearson"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var successes: Int
        public var trials: Int
        public var alpha: String
        public var bits: Int
        /// "lower" or "upper".
        public var side: String
        /// The bound, exact dyadic "p/q"; nil for invalid cases.
        public var bound: String?
        /// The bound rounded to 20 decimal places, for people.
        public var decimal: String?
        /// Why an invalid case must be rejected.
        public var error: String?
    }

    static func valid(_ id: Int, _ k: Int, _ n: Int, _ alpha: String, bits: Int = 64, upper: Bool = false) throws -> Case {
        let a = Rational(alpha)!
        let b = upper ? try ClopperPearson.upperBound(successes: k, trials: n, alpha: a, bits: bits)
                      : try ClopperPearson.lowerBound(successes: k, trials: n, alpha: a, bits: bits)
        return Case(id: id, result: .valid, successes: k, trials: n, alpha: alpha, bits: bits, side: upper ? "upper" : "lower",
                    bound: b.description, decimal: b.decimalString(digits: 20), error: nil)
    }

    public static func generate() throws -> Data {
        var id = 0
        func next() -> Int { id += 1; return id }
        var small: [Case] = [], large: [Case] = [], upper: [Case] = [], invalid: [Case] = []
        for n in [1, 2, 5, 10, 30, 100] {
            for k in Set([0, 1, n / 2, n - 1, n]).sorted() where k >= 0 {
                for alpha in ["1/2", "0.05", "0.001"] {
                    small.append(try valid(next(), k, n, alpha, bits: n <= 5 ? 32 : 64))
                }
            }
        }
        for (k, n, alpha) in [(99_000, 100_000, "0.001"), (100_000, 100_000, "0.001"), (60_000, 100_000, "1e-6"),
                              (9_990, 10_000, "0.001"), (5_000, 10_000, "0.05"), (1, 10_000, "0.001"), (999, 1_000, "1e-10")] {
            large.append(try valid(next(), k, n, alpha))
        }
        for (k, n, alpha) in [(0, 10, "0.05"), (3, 10, "0.05"), (10, 10, "0.05"), (70, 100, "0.001"), (900, 1_000, "0.001")] {
            upper.append(try valid(next(), k, n, alpha, upper: true))
        }
        let bad: [(Int, Int, String, Int)] = [(11, 10, "0.05", 64), (-1, 10, "0.05", 64), (1, 0, "0.05", 64), (1, 10, "0", 64),
                                              (1, 10, "1", 64), (1, 10, "-1/2", 64), (1, 10, "3/2", 64), (1, 10, "0.05", 0)]
        for (k, n, alpha, bits) in bad {
            var message = ""
            do { try ClopperPearson.validate(successes: k, trials: n, alpha: Rational(alpha)!, bits: bits) } catch { message = "\(error)" }
            precondition(!message.isEmpty, "clopper-pearson vectors: invalid case was accepted")
            invalid.append(Case(id: next(), result: .invalid, successes: k, trials: n, alpha: alpha, bits: bits, side: "lower",
                                bound: nil, decimal: nil, error: message))
        }
        let file = VectorFile<NoParameters, Case>(
            suite: name, version: version,
            description: "Sound one-sided Clopper–Pearson bounds (CP-1). lower: the largest multiple L of 2^-bits with P[Bin(n, L) >= k] <= alpha (0 for k = 0); upper: the smallest multiple U of 2^-bits with P[Bin(n, U) <= k] <= alpha (1 for k = n). alpha is an exact rational (decimal or p/q). Invalid inputs must be rejected.",
            seed: nil,
            sources: ["Clopper, Pearson, 'The use of confidence or fiducial limits illustrated in the case of the binomial', Biometrika 26 (1934)",
                      "Proofs/CP-1.md of this repository"],
            groups: [VectorGroup(description: "lower bounds, small n (conform checks exactly on rationals)", parameters: NoParameters(), cases: small),
                     VectorGroup(description: "lower bounds, certification-size n", parameters: NoParameters(), cases: large),
                     VectorGroup(description: "upper bounds", parameters: NoParameters(), cases: upper),
                     VectorGroup(description: "invalid inputs (must be rejected)", parameters: NoParameters(), cases: invalid)])
        return try CanonicalJSON.encode(file)
    }

    /// Re-checks every case's defining property (soundness and 2^-bits tightness) independently of
    /// the search that produced it, and that invalid cases are rejected.
    public static func conform(_ data: Data) throws -> [String] {
        let f = try VectorFile<NoParameters, Case>.decode(data, file: fileName)
        var problems: [String] = []
        for (_, c) in f.allCases {
            guard let alpha = Rational(c.alpha) else { problems.append("case \(c.id): alpha \"\(c.alpha)\" is not a rational"); continue }
            if c.result == .invalid {
                if (try? ClopperPearson.validate(successes: c.successes, trials: c.trials, alpha: alpha, bits: c.bits)) != nil {
                    problems.append("case \(c.id): invalid input was accepted")
                }
                continue
            }
            guard let text = c.bound, let b = Rational(text), b.isDyadic, b.denominator <= BigInt(1) << c.bits else {
                problems.append("case \(c.id): bound is missing or not a multiple of 2^-\(c.bits)"); continue
            }
            if let p = checkCase(c, alpha: alpha, bound: b) { problems.append("case \(c.id): \(p)") }
        }
        return problems
    }

    /// nil when `bound` is the documented grid point; otherwise what is wrong.
    static func checkCase(_ c: Case, alpha: Rational, bound b: Rational) -> String? {
        let k = c.successes, n = c.trials
        let step = Rational(1).timesPowerOfTwo(-c.bits)
        // Lower side: T(b) <= alpha < T(b + step), with T(p) = P[Bin(n, p) >= k]. The upper side is the
        // lower side of (n - k) at 1 - b by symmetry: P[Bin(n, U) <= k] = P[Bin(n, 1 - U) >= n - k].
        let kk = c.side == "upper" ? n - k : k
        let l = c.side == "upper" ? 1 - b : b
        if kk == 0 { return l.isZero ? nil : "k = 0 (lower side) must give exactly 0, got \(l)" }
        func tail(_ p: Rational) -> (atMost: Bool?, text: String) {
            if p.signum <= 0 { return (true, "0") }
            if p >= 1 { return (false, "1") }
            if n <= 200 {
                let t = ClopperPearson.binomialTailAtLeast(successes: kk, trials: n, p: p)
                return (t <= alpha, t.decimalString(digits: 20))
            }
            let m = p.timesPowerOfTwo(c.bits).numerator
            let t = ClopperPearson.tailEnclosure(successes: kk, trials: n, numerator: m, bits: c.bits, precision: 512)
            return (t.hi <= alpha ? true : (t.lo > alpha ? false : nil), t.midpoint.decimalString(digits: 20))
        }
        let here = tail(l), above = tail(l + step)
        if here.atMost != true { return "unsound: the tail at the bound is \(here.text), not <= alpha = \(alpha)" }
        if above.atMost != false { return "not tight: the tail one grid step further is \(above.text), not > alpha = \(alpha)" }
        return nil
    }
}
