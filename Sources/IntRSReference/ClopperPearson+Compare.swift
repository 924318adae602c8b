import IntRSExact

extension ClopperPearson {
    /// Decides exactly whether the true one-sided `(1 - alpha)` Clopper–Pearson lower bound `p_L(k)` for `k`
    /// successes in `n` trials is strictly below the dyadic `x` (Proofs: CP-1, AUD-1).
    ///
    /// Because `T_k(p) = P[Bin(n, p) >= k]` is continuous and strictly increasing in `p` with
    /// `T_k(p_L) = alpha` (1 <= k <= n), `p_L(k) < x` iff `T_k(x) > alpha`: one tail decision (an enclosure at
    /// rising precision, exact rational arithmetic as the last resort), no root finding, never undecided.
    /// `k = 0` has `p_L = 0 < x`. Monotone in `k`: `p_L` increases with `k`, so the answers are `true` up to
    /// some `k` and `false` after it (the audit bisects on that).
    ///
    /// - Parameter x: a dyadic rational `m / 2^b` with `0 < x < 1` (round a non-dyadic bound to a dyadic on the
    ///   conservative side first, e.g. with `Rational.roundedDown(bits:)`).
    public static func lowerBoundIsBelow(successes k: Int, trials n: Int, alpha: Rational, dyadic x: Rational) throws -> Bool {
        try validate(successes: k, trials: n, alpha: alpha, bits: 1)
        precondition(x.isDyadic && x > Rational(0) && x < Rational(1), "lowerBoundIsBelow: x must be a dyadic in (0, 1), got \(x)")
        if k == 0 { return true }
        let bits = x.denominator.bitWidth - 1          // x = m / 2^bits
        let (atMost, _) = tailSide(k, n, x.numerator, bits, alpha)
        return !atMost                                  // T_k(x) > alpha  <=>  p_L(k) < x
    }
}
