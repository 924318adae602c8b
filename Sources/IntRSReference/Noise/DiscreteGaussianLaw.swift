import Foundation
import IntRSCore
import IntRSExact

/// The discrete Gaussian N_Z(0, sigma2) on the integers, enclosed:
/// P[k] = w_k / Z with w_k = exp(-k^2 / (2 sigma2)) and Z = sum_j w_j.
///
/// Tail of the normalising sum (theory.md "Enclosures"): for j >= K + 1,
/// j^2 >= (K+1)^2 + (j - K - 1)(2K + 2), so
/// sum_{|j| > K} w_j <= 2 exp(-(K+1)^2 / (2 sigma2)) / (1 - exp(-(K+1) / sigma2)).
/// Every mass, the normaliser, the variance and the CDF are enclosed with this bound (Proofs: NOISE-5).
public struct DiscreteGaussianLaw: Sendable {
    public let sigma2: Rational

    public init(sigma2: Rational) throws(NoiseError) {
        try Sigma2Domain.check(sigma2)
        self.sigma2 = sigma2
    }

    /// The same law for any sigma2 > 0, WITHOUT the ``Sigma2Domain`` check. Only for the one-dimensional
    /// comparison laws N_Z(0, sigma2 * m) of the lattice collapse (COL-1, ``ShiftLaw/discreteGaussian(sigma2:fractionBits:tailBits:)``),
    /// whose sigma2 exceeds the sampling domain: they use ``window(tailBits:)`` and ``tailBound(window:bits:)``, which
    /// stay valid (every `exp` argument is about `-bits * ln 2` or -(K+1)/sigma2). Traps on sigma2 <= 0.
    init(unchecked sigma2: Rational) {
        precondition(sigma2.signum > 0, "DiscreteGaussianLaw: sigma2 must be > 0")
        self.sigma2 = sigma2
    }

    /// Enclosure of the unnormalised weight w_k = exp(-k^2/(2 sigma2)), relative width <= 2^-bits.
    public func weight(_ k: Int, bits: Int) -> Interval {
        Enclosure.exp(-Rational(BigInt(k) * BigInt(k)) / (Rational(2) * sigma2), bits: bits)
    }

    /// A rigorous upper bound on sum_{|j| > K} w_j (K >= 0).
    public func tailBound(window k: Int, bits: Int) -> Rational {
        let k1 = Rational(k + 1)
        let num = Enclosure.exp(-(k1 * k1) / (Rational(2) * sigma2), bits: bits).hi
        let ratio = Enclosure.exp(-k1 / sigma2, bits: bits).hi
        precondition(ratio < Rational(1), "tail bound: exp(-(K+1)/sigma2) not enclosed below 1")
        return Rational(2) * num / (Rational(1) - ratio)
    }

    /// The smallest window K >= 1 whose tail bound is <= 2^-bits (Z >= w_0 = 1, so the
    /// normalised tail mass is then <= 2^-bits too).
    public func window(tailBits bits: Int) -> Int {
        let target = Rational(1).timesPowerOfTwo(-bits)
        func fits(_ k: Int) -> Bool { tailBound(window: k, bits: 24) <= target }
        // A float guess (display-only arithmetic: only a starting point, every answer is re-checked exactly):
        // x = K + 1 solves 2 e^(-x^2/(2 sigma2)) / (1 - e^(-x/sigma2)) = 2^-bits, by a few fixed-point steps.
        let s2 = sigma2.doubleApproximation
        let ln2 = 0.6931471805599453
        var x = (2 * s2 * Double(bits + 1) * ln2).squareRoot()
        for _ in 0..<4 { x = (2 * s2 * (Double(bits + 1) * ln2 - Foundation.log(max(1e-300, -Foundation.expm1(-x / s2))))).squareRoot() }
        let k = max(1, Int(x.rounded(.up)) - 1)
        // The smallest K >= 1 with fits(K) (the bound decreases in K): gallop from the guess, then bisect.
        if fits(k) {
            if k == 1 || !fits(k - 1) { return k }
            var step = 1, hi = k - 1, lo = k - 1
            repeat { hi = lo; lo = max(0, hi - step); step *= 2 } while lo >= 1 && fits(lo)
            // fits(hi); lo == 0 or !fits(lo)
            var a = lo, b = hi
            while b - a > 1 { let mid = (a + b) / 2; if mid >= 1 && fits(mid) { b = mid } else { a = mid } }
            return max(1, b)
        }
        var step = 1, lo = k, hi = k + 1
        while !fits(hi) { lo = hi; step *= 2; hi += step }
        var a = lo, b = hi                   // !fits(a), fits(b)
        while b - a > 1 { let mid = (a + b) / 2; if fits(mid) { b = mid } else { a = mid } }
        return b
    }

    /// Weights w_0 ... w_K (symmetric: w_{-k} = w_k), each with relative width <= 2^-bits.
    func weights(upTo k: Int, bits: Int) -> [Interval] { (0...k).map { weight($0, bits: bits) } }

    /// Enclosure of the normaliser Z on window K with tail bound tau.
    func normaliser(_ w: [Interval], tail tau: Rational) -> Interval {
        var lo = w[0].lo, hi = w[0].hi
        for j in 1..<w.count { lo += Rational(2) * w[j].lo; hi += Rational(2) * w[j].hi }
        return Interval(lo: lo, hi: hi + tau)
    }

    /// Point masses on [-K, K] (K from ``window(tailBits:)``), enclosed with relative width about
    /// 2^-bits (endpoints rounded outward keeping bits + 8 significant bits); the tail mass outside
    /// the window is <= 2^-bits.
    public func enclosed(bits: Int) -> EnclosedLaw { enclosed(bits: bits, stop: { false })! }

    /// ``enclosed(bits:)`` that can be interrupted (a time budget): `stop` is asked before every weight's `exp`
    /// enclosure and before every mass's normalisation (one question per O(1) enclosure at `bits + 16` bits: at
    /// 528 bits a few milliseconds at most), and nil is returned as soon as it says true. At 512 bits and large sigma2
    /// the whole enclosure (about 2 K exp enclosures, K ~ sqrt(2 sigma2 bits ln 2)) takes seconds. Not stopped, the
    /// result is the uninterrupted one.
    public func enclosed(bits: Int, stop: () -> Bool) -> EnclosedLaw? {
        let k = window(tailBits: bits)
        let work = bits + 16
        var w: [Interval] = []
        w.reserveCapacity(k + 1)
        for j in 0...k {
            if stop() { return nil }
            w.append(weight(j, bits: work))
        }
        let tau = tailBound(window: k, bits: work)
        let z = normaliser(w, tail: tau)
        var half: [Interval] = []
        half.reserveCapacity(k + 1)
        for x in w {
            if stop() { return nil }
            half.append(Interval(lo: x.lo / z.hi, hi: x.hi / z.lo).roundedOutwardRelative(bits: bits + 8))
        }
        let masses = Array(half.reversed()) + half.dropFirst()
        return EnclosedLaw(offset: -k, masses: masses, tailMass: (tau / z.lo).roundedUp(bits: bits + 8))
    }

    /// Enclosure of the variance sum_k k^2 P[k], width about 2^-bits relative.
    ///
    /// Tail of sum_{|j| > K} j^2 w_j: g(j) = j^2 exp(-j^2/(2 sigma2)) has
    /// g(j+1)/g(j) = ((j+1)/j)^2 exp(-(2j+1)/(2 sigma2)) <= rho := ((K+2)/(K+1))^2 exp(-(2K+3)/(2 sigma2))
    /// for j >= K+1 (the ratio decreases in j), so when rho < 1 the tail is <= 2 g(K+1) / (1 - rho).
    public func variance(bits: Int) -> Interval {
        var k = window(tailBits: bits + 8)
        let work = bits + 16
        func rhoHi(_ k: Int) -> Rational {
            let r = Rational(k + 2) / Rational(k + 1)
            return r * r * Enclosure.exp(-Rational(2 * k + 3) / (Rational(2) * sigma2), bits: work).hi
        }
        while rhoHi(k) >= Rational(1) { k += 1 }
        let w = weights(upTo: k, bits: work)
        let tau = tailBound(window: k, bits: work)
        let z = normaliser(w, tail: tau)
        var nLo = Rational(0), nHi = Rational(0)
        for j in 1..<w.count {
            let j2 = Rational(2 * j * j)
            nLo += j2 * w[j].lo
            nHi += j2 * w[j].hi
        }
        let k1 = Rational(k + 1)
        let g = k1 * k1 * weight(k + 1, bits: work).hi
        nHi += Rational(2) * g / (Rational(1) - rhoHi(k))
        return Interval(lo: nLo / z.hi, hi: nHi / z.lo).roundedOutwardRelative(bits: bits)
    }

    /// Enclosures of the CDF F(k) = P[X <= k] for k in -K...K (index k + K), on the window K with
    /// weights of relative width 2^-bits. F(k) = S/(S + R) with S = sum_{j <= k} w_j and
    /// R = sum_{j > k} w_j, each enclosed (half the two-sided tail on each side).
    public func cdf(window k: Int, bits: Int) -> [Interval] {
        let w = weights(upTo: k, bits: bits)
        let halfTau = tailBound(window: k, bits: bits) / Rational(2)
        func wt(_ j: Int) -> Interval { w[abs(j)] }
        var totalLo = Rational(0), totalHi = Rational(0)
        for j in -k...k { totalLo += wt(j).lo; totalHi += wt(j).hi }
        var sLo = Rational(0), sHi = Rational(0)
        var out: [Interval] = []
        for j in -k...k {
            sLo += wt(j).lo; sHi += wt(j).hi
            let rLo = totalLo - sLo, rHi = totalHi - sHi
            let lo = sLo / (sLo + rHi + halfTau)
            let hi = (sHi + halfTau) / (sHi + halfTau + rLo)
            out.append(Interval(lo: lo, hi: hi))
        }
        return out
    }
}

extension Interval {
    /// Outward rounding to a dyadic grid fine enough to keep about `bits` significant bits of the
    /// upper end: grid 2^-(bits + max(0, -log2(hi))). Keeps tiny masses (e.g. e^-50) meaningful
    /// where an absolute grid would round them to [0, 2^-bits].
    func roundedOutwardRelative(bits: Int) -> Interval {
        guard hi.signum > 0 else { return roundedOutward(bits: bits) }
        let e = hi.denominator.bitWidth - hi.numerator.bitWidth   // about -log2(hi)
        return roundedOutward(bits: bits + max(0, e + 1))
    }
}
