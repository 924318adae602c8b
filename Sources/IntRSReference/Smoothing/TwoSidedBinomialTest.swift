import IntRSExact

/// The exact two-sided binomial test against p = 1/2 that PREDICT uses to decide whether to abstain
/// (Cohen et al. 2019: abstain when `binom_test(nA, nA + nB, 0.5) > alpha`).
///
/// Definition (scipy.stats.binomtest / R binom.test with p = 1/2, "minlike" two-sided p-value): for k
/// successes in m trials, with the larger count K = max(k, m - k),
///
///     pValue = min(1, 2 * P[Bin(m, 1/2) >= K])        and pValue = 1 when 2K = m.
///
/// (The binomial law with p = 1/2 is symmetric, so the set of outcomes at most as likely as k is the two
/// tails beyond K and m - K. scipy compares likelihoods with a relative tolerance of 1e-7; for m below
/// 2 * 10^7 adjacent likelihoods near the centre differ by more than that, so the two definitions agree.)
///
/// Everything is exact: P[Bin(m, 1/2) >= K] = S / 2^m with S = sum_{j >= K} C(m, j), an integer.
public enum TwoSidedBinomialTest {
    /// The exact p-value (see the type's documentation). Requires 0 <= k <= m, m >= 1.
    public static func pValue(successes k: Int, trials m: Int) throws -> Rational {
        try check(k, m)
        let big = max(k, m - k)
        if 2 * big == m { return Rational(1) }
        var sum = BigInt(0)
        var term = BigInt(1)            // C(m, m)
        var j = m
        while j >= big {
            sum += term
            // C(m, j - 1) = C(m, j) * j / (m - j + 1), exact.
            term = (term * BigInt(j)).floorDiv(BigInt(m - j + 1))
            j -= 1
        }
        let p = Rational(sum * BigInt(2), BigInt(1) << m)
        return Rational.min(p, Rational(1))
    }

    /// True when pValue(k, m) <= alpha: the test rejects "both classes equally likely" and PREDICT answers.
    /// Equal to `pValue(successes: k, trials: m) <= alpha`, but stops summing the tail as soon as it
    /// exceeds alpha * 2^(m-1), so uncertain examples are cheap. alpha in (0, 1).
    public static func rejects(successes k: Int, trials m: Int, alpha: Rational) throws -> Bool {
        try check(k, m)
        guard alpha > Rational(0) && alpha < Rational(1) else {
            throw SmoothingReferenceError.invalid("alpha \(alpha) is not in (0, 1)")
        }
        let big = max(k, m - k)
        if 2 * big == m { return false }           // p-value 1 > alpha
        // 2 * S / 2^m <= a / b  <=>  2 * b * S <= a * 2^m
        let a = alpha.numerator, b = alpha.denominator
        let limit = a * (BigInt(1) << m)
        let twoB = b * BigInt(2)
        var sum = BigInt(0)
        var term = BigInt(1)
        var j = m
        while j >= big {
            sum += term
            if twoB * sum > limit { return false }
            term = (term * BigInt(j)).floorDiv(BigInt(m - j + 1))
            j -= 1
        }
        return true
    }

    private static func check(_ k: Int, _ m: Int) throws {
        guard m >= 1, k >= 0, k <= m else {
            throw SmoothingReferenceError.invalid("binomial test needs 0 <= successes <= trials and trials >= 1, got successes \(k), trials \(m)")
        }
    }
}

/// Errors of the smoothing reference: bad parameters, with the offending values in the message.
public enum SmoothingReferenceError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let s): return s }
    }
}
