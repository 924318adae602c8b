import Foundation
import IntRSExact

/// The Rényi floor n_R (Proofs: REN-1): a dimension-free squared-norm bound below which every integer shift
/// is certified under discrete Gaussian noise, with no Neyman–Pearson enumeration.
///
/// Facts used (Proofs/REN-1.md): for eps i.i.d. N_Z(0, sigma2) on Z^d and an integer delta,
/// `D_alpha(P_x || P_{x+delta}) <= alpha |delta|^2 / (2 sigma2)` for every alpha >= 1 (both orders, by
/// delta -> -delta); by data processing and monotonicity of the binary divergence, a base classifier with
/// P_x(A) >= pA and P_{x+delta}(A) <= t < pA forces `D_alpha(Bern(pA) || Bern(t)) <= alpha n / (2 sigma2)` (and the
/// same for the reversed order). Hence:
/// - binary form: if `D_alpha(Bern(pA) || Bern(1/2)) > alpha n / (2 sigma2)` (either order) then every integer delta
///   with `|delta|^2 <= n` keeps `P_{x+delta}(A) > 1/2` (worstA(pA) > 1/2), for ANY dimension d;
/// - two-class form: with a rational t, pB < t < pA, and conditions for pA against t and for pB against t,
///   `P_{x+delta}(A) > t >= P_{x+delta}(B)`.
///
/// Rigour: Double only CHOOSES alpha and t (heuristics). Each condition is decided by an enclosure:
/// alpha = 1 (KL) with `Enclosure.log`; integer alpha >= 2 with the exact rational
/// `S = x^alpha y^(1-alpha) + (1-x)^alpha (1-y)^(1-alpha)` against `Enclosure.exp((alpha-1) alpha n / (2 sigma2))`;
/// other rational alpha > 1 with S enclosed by exp/log enclosures. Undecided counts as not certified.
///
/// Valid ONLY for the discrete Gaussian with integer shifts (and for a table sampler after the d*eta
/// accounting has been applied to pA and pB by the caller). Not for the rounded Gaussian.
public enum RenyiFloor {
    /// Which order of the binary divergence a condition uses.
    public enum Order: String, Sendable, Codable, Equatable {
        /// D_alpha(Bern(p) || Bern(t)) with p the class probability bound.
        case forward
        /// D_alpha(Bern(t) || Bern(p)).
        case reverse
    }

    /// One proven condition: `D_alpha > alpha * n / (2 sigma2)` for n = `maxNorm2`.
    public struct Condition: Sendable, Codable, Equatable {
        /// The class probability bound (pA or pB).
        public var p: Rational
        /// The threshold t (1/2 in the binary form).
        public var t: Rational
        public var alpha: Rational
        public var order: Order
        /// The largest n for which the condition was proven.
        public var maxNorm2: Int
    }

    public struct Result: Sendable, Codable, Equatable {
        /// n_R: every integer delta with |delta|^2 <= nR is certified (0: nothing proven this way).
        public var nR: Int
        /// The threshold t used (1/2 for the binary form).
        public var t: Rational
        /// The condition for pA (nil when nR = 0).
        public var conditionA: Condition?
        /// The condition for pB (two-class form only; nil when nR = 0).
        public var conditionB: Condition?
        public var statement: String {
            nR == 0 ? "Rényi floor n_R = 0: no shift is certified by REN-1 alone"
                : "Rényi floor n_R = \(nR): every integer delta (any dimension) with |delta|^2 <= \(nR) is certified (REN-1)"
        }
    }

    /// Bits of the exp/log enclosures used by the decisions.
    public static let bits = 128

    // MARK: rigorous decisions

    /// Proven `D_alpha(Bern(x) || Bern(y)) > alpha * n / (2 sigma2)`? (false when not proven.)
    /// Preconditions: 0 < x < 1, 0 < y < 1, alpha >= 1 rational, n >= 0, sigma2 > 0.
    public static func exceeds(x: Rational, y: Rational, alpha a: Rational, norm2 n: Int, sigma2: Rational) -> Bool {
        precondition(x.signum > 0 && x < Rational(1) && y.signum > 0 && y < Rational(1), "RenyiFloor: probabilities must be in (0, 1)")
        precondition(a >= Rational(1) && n >= 0 && sigma2.signum > 0)
        let one = Rational(1)
        if a == one {
            // KL(Bern(x) || Bern(y)) = x ln(x/y) + (1-x) ln((1-x)/(1-y)) > n / (2 sigma2)
            let kl = Enclosure.log(x / y, bits: bits) * x + Enclosure.log((one - x) / (one - y), bits: bits) * (one - x)
            return kl.lo > Rational(n) / (Rational(2) * sigma2)
        }
        // log S / (alpha - 1) > alpha n / (2 sigma2)  <=>  S > exp((alpha - 1) alpha n / (2 sigma2))
        let threshold = Enclosure.exp((a - one) * a * Rational(n) / (Rational(2) * sigma2), bits: bits).hi
        if a.isInteger, let k = a.numerator.asInt {
            let s = x.power(k) * y.power(1 - k) + (one - x).power(k) * (one - y).power(1 - k)
            return s > threshold
        }
        let s = term(x, y, a) + term(one - x, one - y, a)
        return s.lo > threshold
    }

    /// Enclosure of u^a v^(1-a) = exp(a ln u + (1 - a) ln v), u, v in (0, 1].
    static func term(_ u: Rational, _ v: Rational, _ a: Rational) -> Interval {
        let e = Enclosure.log(u, bits: bits) * a + Enclosure.log(v, bits: bits) * (Rational(1) - a)
        return Enclosure.exp(e.roundedOutward(bits: bits + 8), bits: bits)
    }

    /// Proven condition for (p against t) at norm n, in the given order.
    public static func holds(_ c: Condition, norm2 n: Int, sigma2: Rational) -> Bool {
        c.order == .forward ? exceeds(x: c.p, y: c.t, alpha: c.alpha, norm2: n, sigma2: sigma2)
                            : exceeds(x: c.t, y: c.p, alpha: c.alpha, norm2: n, sigma2: sigma2)
    }

    /// The largest n >= 0 for which the condition is proven (0 when none is; -1 is never returned).
    /// The Double estimate only seeds the search; every returned n > 0 satisfies `holds` (checked here).
    static func largestNorm(p: Rational, t: Rational, alpha: Rational, order: Order, sigma2: Rational) -> Condition {
        var c = Condition(p: p, t: t, alpha: alpha, order: order, maxNorm2: 0)
        let (x, y) = order == .forward ? (p, t) : (t, p)
        let est = 2 * sigma2.doubleApproximation * approxDivergence(x, y, alpha.doubleApproximation) / alpha.doubleApproximation
        guard est.isFinite, est >= 0.5 else { return c }
        var n = max(1, Int(min(est, 1e15).rounded(.down)))
        // Walk down while not proven (a few steps at most when the estimate is good), then up while proven.
        var steps = 0
        while n > 0 && !holds(c, norm2: n, sigma2: sigma2) {
            steps += 1
            n = steps > 4 ? n / 2 : n - 1
        }
        if n == 0 { return c }
        if steps > 4 { // the estimate was bad: bisect between the proven n and the failed 2n
            var lo = n, hi = 2 * n
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if holds(c, norm2: mid, sigma2: sigma2) { lo = mid } else { hi = mid }
            }
            n = lo
        }
        while holds(c, norm2: n + 1, sigma2: sigma2) { n += 1 }
        c.maxNorm2 = n
        return c
    }

    // MARK: the floor

    /// n_R for the binary form (pB nil: P_{x+delta}(A) > 1/2) or the two-class form.
    /// Preconditions: 0 < pB < pA < 1; binary: 1/2 < pA < 1 (otherwise the result is nR = 0).
    public static func floor(sigma2: Rational, pA: Rational, pB: Rational?) -> Result {
        let one = Rational(1), half = Rational(1, 2)
        guard pA < one, pA.signum > 0 else { return Result(nR: 0, t: half) }
        guard let pB else {
            guard pA > half else { return Result(nR: 0, t: half) }
            let c = best(p: pA, t: half, sigma2: sigma2)
            return c.maxNorm2 > 0 ? Result(nR: c.maxNorm2, t: half, conditionA: c) : Result(nR: 0, t: half)
        }
        guard pB.signum > 0, pB < pA else { return Result(nR: 0, t: half) }
        // Choose t by bisection on the Double estimates: fA(t) decreases and fB(t) increases in t.
        let a = pA.doubleApproximation, b = pB.doubleApproximation
        var lo = b, hi = a
        for _ in 0 ..< 60 {
            let mid = (lo + hi) / 2
            if bestApprox(a, mid).value > bestApprox(b, mid).value { lo = mid } else { hi = mid }
        }
        var t = Rational(exactly: (lo + hi) / 2).map { $0.roundedDown(bits: 48) } ?? (pA + pB) / 2
        if !(pB < t && t < pA) { t = (pA + pB) / 2 }
        let cA = best(p: pA, t: t, sigma2: sigma2)
        let cB = best(p: pB, t: t, sigma2: sigma2)
        let n = min(cA.maxNorm2, cB.maxNorm2)
        if n <= 0 { return Result(nR: 0, t: t) }
        return Result(nR: n, t: t, conditionA: cA, conditionB: cB)
    }

    /// The best proven condition for p against t over a few candidate (alpha, order): KL and the
    /// Double-optimal grid alpha in each order, plus alpha = 2.
    static func best(p: Rational, t: Rational, sigma2: Rational) -> Condition {
        var candidates: [(Rational, Order)] = [(Rational(1), .forward), (Rational(1), .reverse), (Rational(2), .forward), (Rational(2), .reverse)]
        for order in [Order.forward, .reverse] {
            let (x, y) = order == .forward ? (p, t) : (t, p)
            var bestA = alphaGrid[0], bestV = -Double.infinity
            for a in alphaGrid {
                let v = approxDivergence(x, y, a.doubleApproximation) / a.doubleApproximation
                if v > bestV { bestV = v; bestA = a }
            }
            candidates.append((bestA, order))
        }
        var winner = Condition(p: p, t: t, alpha: Rational(1), order: .forward, maxNorm2: 0)
        for (alpha, order) in candidates {
            let c = largestNorm(p: p, t: t, alpha: alpha, order: order, sigma2: sigma2)
            if c.maxNorm2 > winner.maxNorm2 { winner = c }
        }
        return winner
    }

    /// Candidate alphas (exact dyadics): 1 + 2^-k, 1 + j/64 up to 2, then j/8 up to 8, then integers to 64.
    static let alphaGrid: [Rational] = {
        var g: [Rational] = [Rational(1)]
        for k in (7 ... 14).reversed() { g.append(Rational(1) + Rational(1).timesPowerOfTwo(-k)) }
        for j in 1 ... 64 { g.append(Rational(64 + j, 64)) }
        for j in 17 ... 64 { g.append(Rational(j, 8)) }
        for j in 9 ... 64 { g.append(Rational(j)) }
        return g
    }()

    /// Double heuristic: max over the grid (both orders) of D_alpha / alpha for p against t.
    static func bestApprox(_ p: Double, _ t: Double) -> (value: Double, alpha: Double) {
        var best = (value: 0.0, alpha: 1.0)
        for a in alphaGrid.map(\.doubleApproximation) {
            for (x, y) in [(p, t), (t, p)] {
                let v = approxDivergence(x, y, a) / a
                if v > best.value { best = (v, a) }
            }
        }
        return best
    }

    /// Double approximation of D_alpha(Bern(x) || Bern(y)) from exact rationals: 1 - x and 1 - y are formed
    /// exactly before rounding, so probabilities within 1e-16 of 1 keep their tails. Heuristic only.
    static func approxDivergence(_ x: Rational, _ y: Rational, _ a: Double) -> Double {
        approxDivergence(x.doubleApproximation, (Rational(1) - x).doubleApproximation,
                         y.doubleApproximation, (Rational(1) - y).doubleApproximation, a)
    }

    /// Double approximation of D_alpha(Bern(x) || Bern(y)) (alpha = 1: KL), with xc = 1 - x, yc = 1 - y.
    static func approxDivergence(_ x: Double, _ y: Double, _ a: Double) -> Double {
        approxDivergence(x, 1 - x, y, 1 - y, a)
    }

    static func approxDivergence(_ x: Double, _ xc: Double, _ y: Double, _ yc: Double, _ a: Double) -> Double {
        guard x > 0, xc > 0, y > 0, yc > 0 else { return 0 }
        if a == 1 { return x * log(x / y) + xc * log(xc / yc) }
        let l1 = a * log(x) + (1 - a) * log(y)
        let l2 = a * log(xc) + (1 - a) * log(yc)
        let m = max(l1, l2)
        return (m + log(exp(l1 - m) + exp(l2 - m))) / (a - 1)
    }
}
