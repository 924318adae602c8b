import IntRSCore
import IntRSExact

/// The rounded Gaussian round(N(0, sigma2)) on the integers:
/// P[k] = Phi((k + 1/2)/sigma) - Phi((k - 1/2)/sigma) with sigma = sqrt(sigma2) enclosed, and CDF
/// F(k) = Phi((k + 1/2)/sigma). Ties at k + 1/2 have probability zero, so the rounding rule does not
/// matter. The law is symmetric, P[k] = P[-k]; masses are computed for k <= 0 (where `Enclosure.phi`
/// has relative precision) and mirrored. Tail: P[|X| > K] = 2 Phi(-(K + 1/2)/sigma), enclosed.
///
/// Why this law is exactly sound with the continuous-Gaussian radius: for integer x,
/// x + round(eta) = round(x + eta) (Proofs: NOISE-3).
public struct RoundedGaussianLaw: Sendable {
    public let sigma2: Rational

    public init(sigma2: Rational) throws(NoiseError) {
        try Sigma2Domain.check(sigma2)
        self.sigma2 = sigma2
    }

    /// Enclosure of sigma = sqrt(sigma2) with absolute width 2^-bits.
    func sigma(bits: Int) -> Interval { Enclosure.sqrt(sigma2, bits: bits) }

    /// Enclosure of (k + 1/2) / sigma for a sigma enclosure `s` (monotone in sigma).
    static func argument(_ k: Int, _ s: Interval) -> Interval {
        let x = Rational(2 * k + 1, 2)
        return x.signum >= 0 ? Interval(lo: x / s.hi, hi: x / s.lo) : Interval(lo: x / s.lo, hi: x / s.hi)
    }

    /// Enclosure of F(k) = Phi((k + 1/2)/sigma) (absolute width about 2^-bits, relative for k < 0).
    public func cdf(at k: Int, bits: Int) -> Interval {
        let s = sigma(bits: bits + 16 + max(0, abs(k).bitWidth))
        return Enclosure.phi(Self.argument(k, s), bits: bits + 2)
    }

    /// Upper bound on P[|X| > K] = 2 Phi(-(K + 1/2)/sigma).
    public func tailBound(window k: Int, bits: Int) -> Rational {
        Rational(2) * cdf(at: -k - 1, bits: bits).hi
    }

    /// The smallest K >= 1 with tail bound <= 2^-bits.
    public func window(tailBits bits: Int) -> Int {
        let target = Rational(1).timesPowerOfTwo(-bits)
        let s2 = sigma2.doubleApproximation
        var k = max(1, Int((2 * s2 * Double(bits) * 0.6931471805599453).squareRoot()) - 2)
        while k > 1 && tailBound(window: k - 1, bits: 16) <= target { k -= 1 }
        while tailBound(window: k, bits: 16) > target { k += 1 }
        return k
    }

    /// CDF enclosures F(k) for k in -K...K (index k + K).
    public func cdf(window k: Int, bits: Int) -> [Interval] {
        let s = sigma(bits: bits + 16 + k.bitWidth)
        return (-k...k).map { Enclosure.phi(Self.argument($0, s), bits: bits + 2) }
    }

    /// Point masses on [-K, K], relative width about 2^-bits (computed for k <= 0 and mirrored);
    /// the mass outside the window is <= 2^-bits.
    public func enclosed(bits: Int) -> EnclosedLaw { enclosed(bits: bits, stop: { false })! }

    /// ``enclosed(bits:)`` that can be interrupted (a time budget): `stop` is asked before every `Phi` enclosure
    /// (K + 1 of them), and nil is returned as soon as it says true. Not stopped, the result is the uninterrupted one.
    public func enclosed(bits: Int, stop: () -> Bool) -> EnclosedLaw? {
        let k = window(tailBits: bits)
        let work = bits + 16
        let s = sigma(bits: work + 16 + k.bitWidth)
        // F(j) for j = -K-1 ... -1 (lower tail: relative precision).
        var f: [Interval] = []
        f.reserveCapacity(k + 1)
        for j in -k - 1 ... -1 {
            if stop() { return nil }
            f.append(Enclosure.phi(Self.argument(j, s), bits: work))
        }
        var left: [Interval] = []   // P[-K] ... P[-1]
        for i in 1..<f.count {
            let lo = Rational.max(Rational(0), f[i].lo - f[i - 1].hi)
            left.append(Interval(lo: lo, hi: f[i].hi - f[i - 1].lo).roundedOutwardRelative(bits: bits + 8))
        }
        // P[0] = 1 - 2 Phi(-1/(2 sigma)) = 1 - 2 F(-1).
        let last = f[f.count - 1]
        let p0 = Interval(lo: Rational(1) - Rational(2) * last.hi, hi: Rational(1) - Rational(2) * last.lo).roundedOutwardRelative(bits: bits + 8)
        let masses = left + [p0] + left.reversed()
        let tail = (Rational(2) * f[0].hi).roundedUp(bits: bits + 8 + max(0, f[0].hi.denominator.bitWidth - f[0].hi.numerator.bitWidth))
        return EnclosedLaw(offset: -k, masses: masses, tailMass: tail)
    }

    /// Variance enclosure: sum_{|k| <= K} k^2 P[k] plus a bound on sum_{|k| > K} k^2 P[k].
    /// Tail (Proofs: NOISE-5): for |k| >= K + 1 every eta with round(eta) = k has
    /// |eta| >= a := K + 1/2 >= 1/2 and k^2 <= (|eta| + 1/2)^2 <= 4 eta^2, so the tail is at most
    /// 4 E[eta^2; |eta| >= a] = 8 sigma^2 (z phi(z) + 1 - Phi(z)), z = a/sigma, and with
    /// phi(z) <= e^{-z^2/2} and 1 - Phi(z) <= e^{-z^2/2} this is <= 8 (a sigma + sigma2) e^{-a^2/(2 sigma2)}.
    public func variance(bits: Int) -> Interval {
        let law = enclosed(bits: bits + 16)
        var lo = Rational(0), hi = Rational(0)
        for k in law.support {
            let m = law.mass(at: k)
            let k2 = Rational(k * k)
            lo += k2 * m.lo
            hi += k2 * m.hi
        }
        let k = law.support.upperBound - 1
        let a = Rational(2 * k + 1, 2)
        let s = sigma(bits: bits + 8).hi
        let e = Enclosure.exp(-(a * a) / (Rational(2) * sigma2), bits: bits + 16).hi
        hi += Rational(8) * (a * s + sigma2) * e
        return Interval(lo: lo, hi: hi).roundedOutwardRelative(bits: bits)
    }
}
