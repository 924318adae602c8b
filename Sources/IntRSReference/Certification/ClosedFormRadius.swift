import IntRSExact

/// Cohen et al.'s closed-form radii, enclosed, in grid units (sigma = sqrt(sigma2) grid units).
///
/// - binary:    R = sigma * PhiInv(pA)
/// - two-class: R = sigma / 2 * (PhiInv(pA) - PhiInv(pB))
///
/// These are theorems for continuous Gaussian noise, and exactly sound for rounded-Gaussian noise on
/// integer inputs (post-processing lemma, CF-3). Under discrete Gaussian noise and integer shifts the
/// binary form is sound (Proofs: CF-2) and the two-class form is NOT sound in general (Proofs: CF-1).
public enum ClosedFormRadius {
    /// Enclosure of R at `bits` (each factor enclosed to about 2^-bits). Preconditions: 0 < pA < 1,
    /// 0 < pB < 1 when given.
    public static func radius(sigma2: Rational, pA: Rational, pB: Rational?, bits: Int) -> Interval {
        precondition(sigma2.signum > 0)
        let sigma = Enclosure.sqrt(sigma2, bits: bits)
        let a = Enclosure.phiInverse(pA, bits: bits)
        guard let pB else { return sigma * a }
        let b = Enclosure.phiInverse(pB, bits: bits)
        return sigma * (a - b) * Rational(1, 2)
    }

    /// Enclosure of R^2 when R > 0 is proven, else nil.
    static func square(_ r: Interval) -> Interval? {
        guard r.lo.signum > 0 else { return nil }
        return Interval(lo: r.lo * r.lo, hi: r.hi * r.hi)
    }

    /// Does the closed form certify a shift of squared norm n2 >= 1 (R > |delta|, i.e. R > 0 and
    /// R^2 > n2)? Raises the precision (64, 128, 256 bits) until decided; `.undecided` otherwise.
    public static func decide(sigma2: Rational, pA: Rational, pB: Rational?, norm2 n2: Int) -> (Decision, Interval) {
        var last = Interval(exactly: 0)
        for bits in [64, 128, 256] {
            let r = radius(sigma2: sigma2, pA: pA, pB: pB, bits: bits)
            last = r
            if r.hi.signum <= 0 { return (.notCertified, r) }
            if let sq = square(r) {
                if sq.lo > Rational(n2) { return (.certified, r) }
                if sq.hi <= Rational(n2) { return (.notCertified, r) }
            } else if r.hi * r.hi <= Rational(n2) { return (.notCertified, r) }
        }
        return (.undecided, last)
    }

    /// The certificate of the closed form as a squared-norm bound: the smallest integer n with n >= R^2
    /// ("robust for every integer delta with |delta|^2 < n"), or nil when R <= 0 is possible (abstain).
    /// Conservative: uses the lower end of the enclosure.
    public static func norm2Bound(sigma2: Rational, pA: Rational, pB: Rational?, bits: Int = 128) -> Int? {
        let r = radius(sigma2: sigma2, pA: pA, pB: pB, bits: bits)
        guard r.lo.signum > 0 else { return nil }
        let sq = r.lo * r.lo
        guard let c = sq.ceil.asInt else { return Int.max }
        // |delta|^2 < n certified needs every integer n2 <= n - 1 to satisfy n2 < R^2: n - 1 < sq.lo <= R^2.
        return sq.isInteger ? c : c // ceil(sq): n - 1 < sq
    }
}
