extension Enclosure {
    /// A rigorous enclosure of the inverse standard normal CDF `PhiInv(p)` (the `p`-quantile of
    /// N(0, 1)) with dyadic endpoints and width `hi - lo <= 2^-bits` (Proofs: ENC-1).
    /// Precondition: `0 < p < 1` (traps otherwise; validate untrusted input first).
    /// `phiInverse(1/2)` is exactly `[0, 0]`.
    ///
    /// Method: bisection on a bracket `[a, b]` that always satisfies `Phi(a) < p < Phi(b)` *as
    /// decided by enclosures*: a dyadic midpoint `m` replaces `a` only when `phi(m).hi < p` and
    /// replaces `b` only when `phi(m).lo > p`. Since `Phi` is strictly increasing and continuous,
    /// the root `PhiInv(p)` stays in `(a, b)`. When an enclosure of `Phi(m)` straddles `p`, the
    /// precision is raised; if that does not decide within a generous cap, the quarter points
    /// `a + (b-a)/4` and `b - (b-a)/4` are tried instead (any split point is sound).
    /// By symmetry `PhiInv(p) = -PhiInv(1 - p)`, the work is done for `p < 1/2` where the lower tail
    /// is enclosed with relative precision, so tiny `p` (1e-300) work as well as moderate ones.
    /// The initial bracket doubles `a = -1, -2, -4, ...` until `Phi(a) < p` is decided.
    public static func phiInverse(_ p: Rational, bits: Int) -> Interval {
        precondition(bits >= 0, "Enclosure.phiInverse: bits must be >= 0")
        precondition(p.signum > 0 && p < Rational(1), "Enclosure.phiInverse: p must be in (0, 1) (got \(p))")
        let half = Rational(1, 2)
        if p == half { return Interval(exactly: 0) }
        if p > half { return -phiInverse(1 - p, bits: bits) }
        // Now 0 < p < 1/2 and the root is negative. Work with the upper tail: Phi(x) = Q(-x).
        // below(m) == true  <=>  Phi(m) < p  (root above m); false <=> Phi(m) > p; nil undecided.
        func side(_ m: Rational, precision w: Int) -> Bool? {
            let q = m.signum == 0 ? Interval(exactly: half) : upperTail(-m, precision: w)
            if q.hi < p { return true }
            if q.lo > p { return false }
            return nil
        }
        func decide(_ m: Rational, startPrecision: Int) -> Bool? {
            var w = startPrecision
            while w <= 4 * bits + 512 {
                if let s = side(m, precision: w) { return s }
                w = 2 * w
            }
            return nil
        }
        var a = Rational(-1), b = Rational(0)
        while decide(a, startPrecision: 16) != true { b = a; a = a * 2 }
        while b - a > Rational(1).timesPowerOfTwo(-bits) {
            // Relative precision needed grows with log2(1/(b-a)).
            let w = Swift.max(16, (b - a).reciprocal.ceil.bitWidth + 12)
            var moved = false
            for m in [(a + b) / 2, a + (b - a) / 4, b - (b - a) / 4] {
                guard let below = decide(m, startPrecision: w) else { continue }
                if below { a = m } else { b = m }
                moved = true
                break
            }
            if !moved { break } // sound but wider than requested; practically unreachable
        }
        return Interval(lo: a, hi: b)
    }

    /// Enclosure of `PhiInv(p)` for every `p` in the interval (`PhiInv` is increasing).
    /// Precondition: `0 < p.lo <= p.hi < 1`.
    public static func phiInverse(_ p: Interval, bits: Int) -> Interval {
        Interval(lo: phiInverse(p.lo, bits: bits).lo, hi: phiInverse(p.hi, bits: bits).hi)
    }
}
