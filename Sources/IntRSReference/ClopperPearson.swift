import Foundation
import IntRSExact

/// Exact one-sided Clopper–Pearson confidence bounds for a binomial proportion (Proofs: CP-1).
///
/// For `k` successes in `n` trials and level `alpha`, the one-sided `(1 - alpha)` **lower** bound is
/// the unique `p` in `(0, 1)` with `P[Bin(n, p) >= k] = alpha` (for `1 <= k <= n`), and `0` for `k = 0`;
/// the **upper** bound is the unique `p` with `P[Bin(n, p) <= k] = alpha` (for `0 <= k < n`), and `1` for
/// `k = n`. (Cohen et al.'s CERTIFY uses the lower bound: `beta.ppf(alpha, k, n - k + 1)`.)
///
/// The returned values are dyadic rationals `m / 2^bits` that are **sound**: the lower bound is
/// `<=` the true lower bound and the upper bound `>=` the true upper bound, and each is within
/// `2^-bits` of the true value (it is the last grid point on the sound side). No floating point is
/// involved; see ``lowerBound(successes:trials:alpha:bits:)`` for the algorithm.
public enum ClopperPearson {
    /// Invalid input, with a message naming the parameter and its value.
    public enum InputError: Error, Equatable, CustomStringConvertible, Sendable {
        case negativeSuccesses(Int)
        case nonPositiveTrials(Int)
        case successesExceedTrials(successes: Int, trials: Int)
        case alphaOutOfRange(String)
        case bitsOutOfRange(Int)

        public var description: String {
            switch self {
            case .negativeSuccesses(let k): return "successes k = \(k) is negative; it must be an integer with 0 <= k <= n"
            case .nonPositiveTrials(let n): return "trials n = \(n) must be a positive integer"
            case .successesExceedTrials(let k, let n): return "successes k = \(k) exceeds trials n = \(n); need 0 <= k <= n"
            case .alphaOutOfRange(let a): return "alpha = \(a) is outside (0, 1); it must satisfy 0 < alpha < 1"
            case .bitsOutOfRange(let b): return "bits = \(b) is outside 1...\(ClopperPearson.maximumBits)"
            }
        }
    }

    /// The largest supported `bits` (the bound's grid is `2^-bits`).
    public static let maximumBits = 4096

    /// Checks the common preconditions and throws ``InputError`` on violation.
    public static func validate(successes k: Int, trials n: Int, alpha: Rational, bits: Int) throws(InputError) {
        if n <= 0 { throw .nonPositiveTrials(n) }
        if k < 0 { throw .negativeSuccesses(k) }
        if k > n { throw .successesExceedTrials(successes: k, trials: n) }
        if alpha.signum <= 0 || alpha >= Rational(1) { throw .alphaOutOfRange(alpha.description) }
        if bits < 1 || bits > maximumBits { throw .bitsOutOfRange(bits) }
    }

    /// `P[Bin(n, p) >= k]`, exact, for `0 <= p <= 1` and `n >= 0` (any integer `k`: `k <= 0` gives 1,
    /// `k > n` gives 0). Slow for large `n` (exact rationals with about `n * bitWidth(denominator of p)`
    /// bits): intended for tests, vectors and small `n`.
    ///
    /// With `p = a/b`: `sum_{j=k}^{n} C(n, j) a^j (b - a)^(n-j) / b^n`, summed as one integer.
    public static func binomialTailAtLeast(successes k: Int, trials n: Int, p: Rational) -> Rational {
        precondition(n >= 0, "binomialTailAtLeast: n must be >= 0")
        precondition(p.signum >= 0 && p <= Rational(1), "binomialTailAtLeast: p must be in [0, 1]")
        if k <= 0 { return Rational(1) }
        if k > n { return Rational(0) }
        let a = p.numerator, b = p.denominator, c = b - a
        // sum_{j=k}^{n} C(n,j) a^j c^(n-j), accumulated from j = n downwards:
        // term_j = C(n,j) a^j c^(n-j); term_{j-1} = term_j * j * c / ((n-j+1) * a) (exact when a > 0).
        if a.isZero { return Rational(0) } // k >= 1 successes have probability 0
        if c.isZero { return Rational(1) }  // p = 1: all n trials succeed
        var total = BigInt(0)
        var aPow = a.power(k)          // a^j
        var cPow = c.power(n - k)      // c^(n-j)
        for j in k...n {
            total += BigInt.binomial(n, j) * aPow * cPow
            if j < n {
                aPow *= a
                cPow = cPow.floorDiv(c) // c^(n-j-1), exact division
            }
        }
        return Rational(total, b.power(n))
    }

    /// The one-sided `(1 - alpha)` Clopper–Pearson **lower** bound: a dyadic `m / 2^bits` with
    /// `m / 2^bits <= p_L < (m + 1) / 2^bits`, where `p_L` is the true bound (`P[Bin(n, p_L) >= k] = alpha`).
    /// `k = 0` gives exactly 0; `k = n` gives the grid point just below `alpha^(1/n)`.
    ///
    /// Algorithm (Proofs: CP-1): `T(p) = P[Bin(n, p) >= k]` is continuous and strictly increasing in
    /// `p` for `1 <= k <= n`, with `T(0) = 0 < alpha < 1 = T(1)`. Bisection over the integers
    /// `lo < hi` in `[0, 2^bits]` keeps the invariant `T(lo/2^bits) <= alpha < T(hi/2^bits)`; a midpoint's
    /// side is decided by a rigorous enclosure of `T` (``tailEnclosure(successes:trials:numerator:bits:precision:)``:
    /// fixed point, outward rounding, geometric tail bounds) at a working precision that is raised
    /// while the enclosure straddles `alpha`, and, only if that fails up to a generous cap (which needs
    /// `T` exactly equal or astronomically close to `alpha`), by the exact rational tail.
    /// The answer is `lo / 2^bits` when `hi = lo + 1`. For `k = n` the initial bracket comes from an
    /// enclosure of `alpha^(1/n) = exp(ln(alpha)/n)`.
    ///
    /// Cost: about `bits` tail evaluations, each summing `O(sqrt(n p (1-p) * w))` terms of `w`-bit
    /// integers; n = 100,000 takes milliseconds in release builds (Benchmarks/README.md).
    public static func lowerBound(successes k: Int, trials n: Int, alpha: Rational, bits: Int = 64) throws -> Rational {
        try validate(successes: k, trials: n, alpha: alpha, bits: bits)
        if k == 0 { return Rational(0) }
        let one = BigInt(1) << bits
        // Invariant: T(lo / 2^bits) <= alpha < T(hi / 2^bits); fLo, fHi estimate T - alpha there
        // (used only to choose the next probe; every decision comes from an enclosure).
        var lo = BigInt(0), hi = one
        var fLo = -alpha, fHi = 1 - alpha
        func probe(_ c: BigInt) {
            guard c > lo && c < hi else { return }
            let (atMost, estimate) = tailSide(k, n, c, bits, alpha)
            if atMost { lo = c; fLo = estimate - alpha } else { hi = c; fHi = estimate - alpha }
        }
        var candidates: [BigInt] = []
        if k == n {
            // alpha^(1/n) in [e.lo, e.hi]: the answer is floor(e.lo 2^bits) or just above.
            let e = Enclosure.exp(Enclosure.log(alpha, bits: bits + 8) * Rational(1, n), bits: bits + 8)
            candidates = [e.lo.timesPowerOfTwo(bits).floor, e.hi.timesPowerOfTwo(bits).ceil]
        } else if let g = approximateLowerBound(successes: k, trials: n, alpha: alpha) {
            // A floating-point guess (a candidate only) and a point a little above it.
            let c = (g * Rational(one)).floor
            let delta = Swift.max(BigInt(1), (Rational(one) * Rational(1, 1_000_000_000) * g).floor)
            candidates = [c, c + delta, c - delta]
        }
        for c in candidates { probe(c) }
        // Safeguarded regula falsi (Illinois): probe floor(x) and floor(x) + 1 around the secant
        // estimate x; if the bracket did not at least halve, bisect as well.
        var lastMoved = 0 // -1: lo moved last, 1: hi moved last
        while hi - lo > BigInt(1) {
            let width = hi - lo
            let x = Rational(lo) + Rational(width) * (-fLo) / (fHi - fLo)
            var c = x.floor
            if c <= lo { c = lo + 1 }
            if c >= hi - 1 { c = hi - 2 }
            let (oldLo, oldHi) = (lo, hi)
            probe(c)
            probe(c + 1)
            let moved = lo != oldLo && hi != oldHi ? 0 : (lo != oldLo ? -1 : 1)
            if moved != 0 && moved == lastMoved {
                if moved < 0 { fHi = fHi / 2 } else { fLo = fLo / 2 }
            }
            lastMoved = moved
            if (hi - lo) * 2 > width { probe((lo + hi) >> 1) }
        }
        return Rational.dyadic(lo, exponent: -bits)
    }

    /// The one-sided `(1 - alpha)` Clopper–Pearson **upper** bound: a dyadic `>=` the true bound
    /// `p_U` (`P[Bin(n, p_U) <= k] = alpha`) and within `2^-bits` of it; `k = n` gives exactly 1.
    /// By symmetry `P[Bin(n, p) <= k] = P[Bin(n, 1 - p) >= n - k]`, so `p_U(k) = 1 - p_L(n - k)` and
    /// this returns `1 - lowerBound(n - k)` (rounded the sound way because `lowerBound` rounds down).
    public static func upperBound(successes k: Int, trials n: Int, alpha: Rational, bits: Int = 64) throws -> Rational {
        try validate(successes: k, trials: n, alpha: alpha, bits: bits)
        return Rational(1) - (try lowerBound(successes: n - k, trials: n, alpha: alpha, bits: bits))
    }

    /// Decides `T(m / 2^bits) <= alpha` for `0 < m < 2^bits`, `1 <= k <= n`: by enclosures at rising
    /// precision, then (only if still undecided) exactly. Also returns an estimate of `T` (the
    /// enclosure's midpoint), used only to choose later probes.
    static func tailSide(_ k: Int, _ n: Int, _ m: BigInt, _ bits: Int, _ alpha: Rational) -> (atMost: Bool, estimate: Rational) {
        let alphaBits = Swift.max(0, -alpha.approximateLog2Public)
        var w = bits + alphaBits + (n.bitWidthPublic + 1) / 2 + 24
        let cap = 4 * (bits + alphaBits) + 1024
        while w <= cap {
            let t = tailEnclosure(successes: k, trials: n, numerator: m, bits: bits, precision: w)
            if t.hi <= alpha { return (true, t.midpoint) }
            if t.lo > alpha { return (false, t.midpoint) }
            w += 32 + w / 2
        }
        let exact = binomialTailAtLeast(successes: k, trials: n, p: Rational.dyadic(m, exponent: -bits))
        return (exact <= alpha, exact)
    }

    /// A floating-point approximation of the lower bound (Wilson score interval with an approximate
    /// normal quantile, Abramowitz–Stegun 26.2.23), used ONLY as a first probe for the bracketing
    /// search; nil when it is not a usable number. Never part of a decision.
    static func approximateLowerBound(successes k: Int, trials n: Int, alpha: Rational) -> Rational? {
        let a = alpha.doubleApproximation
        guard a > 0, a < 1 else { return nil }
        func upperQuantile(_ q: Double) -> Double { // z with P[Z > z] = q, q <= 1/2
            let t = (-2 * Foundation.log(q)).squareRoot()
            return t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
        }
        let z = a <= 0.5 ? upperQuantile(a) : -upperQuantile(1 - a)
        let nn = Double(n), ph = Double(k) / nn
        let centre = ph + z * z / (2 * nn)
        let spread = z * (ph * (1 - ph) / nn + z * z / (4 * nn * nn)).squareRoot()
        let g = (centre - spread) / (1 + z * z / nn)
        guard g.isFinite, g > 0, g < 1 else { return nil }
        return Rational(exactly: g)
    }
}

extension Int {
    /// Number of significant bits of a non-negative Int.
    var bitWidthPublic: Int { Int.bitWidth - self.leadingZeroBitCount }
}

extension Rational {
    /// An integer `e` with `2^(e-1) < |self| < 2^(e+1)` (from bit widths).
    var approximateLog2Public: Int { numerator.magnitude.bitWidth - denominator.bitWidth }
}
