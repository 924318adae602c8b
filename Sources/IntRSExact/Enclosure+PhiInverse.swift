import Foundation

extension Enclosure {
    /// A rigorous enclosure of the inverse standard normal CDF `PhiInv(p)` (the `p`-quantile of
    /// N(0, 1)) with dyadic endpoints and width `hi - lo <= 2^-bits` (Proofs: ENC-1).
    /// Precondition: `0 < p < 1` (traps otherwise; validate untrusted input first).
    /// `phiInverse(1/2)` is exactly `[0, 0]`.
    ///
    /// Method: a search on the grid `N / 2^bits` that keeps a bracket `[a, b]` with
    /// `Phi(a) < p < Phi(b)` *as decided by enclosures*: a probe `m` replaces `a` only when
    /// `phi(m).hi < p` and replaces `b` only when `phi(m).lo > p`. Since `Phi` is strictly increasing
    /// and continuous, the root stays in `(a, b)` whatever probes are chosen; the probes only decide
    /// the speed: a floating-point first guess, then secant steps on `log2 Phi` (Illinois-weighted) in
    /// pairs of neighbouring grid points, with a bisection whenever the bracket did not halve. A probe
    /// whose enclosure straddles `p` gets more precision (up to a generous cap; if still undecided it is
    /// skipped, which is sound). The search ends when `b - a = 2^-bits`.
    /// By symmetry `PhiInv(p) = -PhiInv(1 - p)`, the work is done for `p < 1/2` where the lower tail
    /// is enclosed with relative precision, so tiny `p` (1e-300) work as well as moderate ones.
    public static func phiInverse(_ p: Rational, bits: Int) -> Interval {
        precondition(bits >= 0, "Enclosure.phiInverse: bits must be >= 0")
        precondition(p.signum > 0 && p < Rational(1), "Enclosure.phiInverse: p must be in (0, 1) (got \(p))")
        let half = Rational(1, 2)
        if p == half { return Interval(exactly: 0) }
        if p > half { return -phiInverse(1 - p, bits: bits) }
        // Now 0 < p < 1/2 and the root is negative. Phi(m) = Q(-m) for m < 0, Phi(0) = 1/2 > p.
        let log2p = approximateLog2Double(p)
        /// Decides Phi(N / 2^bits) < p (true) or > p (false), with an estimate of log2(Phi / p) there.
        func side(_ n: BigInt) -> (below: Bool, log2Phi: Double)? {
            if n.signum >= 0 { return (false, -1 - log2p) }
            let m = Rational.dyadic(n, exponent: -bits)
            var w = bits + 16
            while w <= 4 * bits + 512 {
                let q = upperTail(-m, precision: w)
                if q.hi < p { return (true, log2Ratio(q.midpoint, p)) }
                if q.lo > p { return (false, log2Ratio(q.midpoint, p)) }
                w = 2 * w
            }
            return nil
        }
        // Bracket in grid units: Phi(lo) < p < Phi(hi). hi = 0 works (Phi(0) = 1/2).
        let unit = BigInt(1) << bits
        var hi = BigInt(0), fHi = -1.0 - log2p
        var lo = -unit, fLo = 0.0
        while true {
            if let s = side(lo), s.below { fLo = s.log2Phi; break }
            hi = lo; lo = lo * 2
        }
        func probe(_ c: BigInt) {
            guard c > lo && c < hi, let s = side(c) else { return }
            if s.below { lo = c; fLo = s.log2Phi } else { hi = c; fHi = s.log2Phi }
        }
        // First guess (floating point; a probe position only): Abramowitz–Stegun 26.2.23.
        let t = (-2 * log2p * M_LN2).squareRoot()
        let z = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t))
        if z.isFinite {
            let c = (Rational(exactly: z)! * Rational(unit)).floor
            let d = Swift.max(BigInt(1), (Rational(unit) * Rational(1, 1000)).floor) // the guess is good to ~4.5e-4
            probe(c - d); probe(c + d)
        }
        var lastMoved = 0
        while hi - lo > BigInt(1) {
            let width = hi - lo
            var c: BigInt
            if fHi - fLo > 0, fLo.isFinite, fHi.isFinite {
                let frac = Swift.min(Swift.max(-fLo / (fHi - fLo), 0), 1)
                c = lo + (Rational(width) * Rational(exactly: frac)!).floor
            } else {
                c = (lo + hi) >> 1
            }
            if c <= lo { c = lo + 1 }
            if c >= hi - 1 { c = hi - 2 }
            let (oldLo, oldHi) = (lo, hi)
            probe(c)
            probe(c + 1)
            let moved = lo != oldLo && hi != oldHi ? 0 : (lo != oldLo ? -1 : (hi != oldHi ? 1 : 2))
            if moved == 2 { // nothing decided near c: bisect, or stop (sound, wider than requested)
                probe((lo + hi) >> 1)
                if lo == oldLo && hi == oldHi { break }
            }
            if moved != 0 && moved == lastMoved {
                if moved < 0 { fHi /= 2 } else { fLo /= 2 }
            }
            lastMoved = moved
            if (hi - lo) * 2 > width { probe((lo + hi) >> 1) }
        }
        return Interval(lo: Rational.dyadic(lo, exponent: -bits), hi: Rational.dyadic(hi, exponent: -bits))
    }

    /// log2(a / b) for positive rationals as a Double, accurate also when `a / b` is close to 1 (the
    /// difference is taken exactly first). For choosing probe positions only (never a decision).
    static func log2Ratio(_ a: Rational, _ b: Rational) -> Double {
        let d = (a - b) / b
        if d.magnitude * 2 < 1 { return Foundation.log1p(d.doubleApproximation) / M_LN2 }
        return approximateLog2Double(a / b)
    }

    /// log2 of a positive rational as a Double, for choosing probe positions only (never a decision).
    static func approximateLog2Double(_ q: Rational) -> Double {
        guard q.signum > 0 else { return -Double.infinity }
        let e = q.approximateLog2
        let scaled = q.timesPowerOfTwo(-e).doubleApproximation // in (1/2, 2)
        return Foundation.log2(scaled) + Double(e)
    }

    /// Enclosure of `PhiInv(p)` for every `p` in the interval (`PhiInv` is increasing).
    /// Precondition: `0 < p.lo <= p.hi < 1`.
    public static func phiInverse(_ p: Interval, bits: Int) -> Interval {
        Interval(lo: phiInverse(p.lo, bits: bits).lo, hi: phiInverse(p.hi, bits: bits).hi)
    }
}
