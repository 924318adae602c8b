import IntRSExact

extension ShiftLaw {
    /// The discrete Gaussian N_Z(0, sigma2) directly in fixed point, for the wide one-dimensional comparison laws
    /// of the lattice collapse (COL-1), whose sigma2 (= sigma2 * m) can be far beyond the sampling domain.
    ///
    /// Equals, as an enclosure, `ShiftLaw(DiscreteGaussianLaw(sigma2:).enclosed(bits: tailBits), fractionBits: F)`
    /// (both contain the same law; `LatticeCollapseTests` ("the fixed-point comparison law ...") checks that they overlap point by point and
    /// that this one is at most a few units of 2^-F wide), but costs a few integer operations per point instead
    /// of one `exp` enclosure and several rational divisions.
    ///
    /// Method (all rounding directed; W = 100 weight fraction bits, UInt128 with full-width products):
    /// - r = e^(-1/(2 sigma2)) enclosed once (`Enclosure.exp`, 120 bits) and rounded outward to 2^-W;
    /// - unnormalised weights w_j = r^(j^2) for j = 0 ... K by w_j = w_{j-1} q_j, q_j = r^(2j-1) = q_{j-1} r^2,
    ///   lower bounds rounded down and upper bounds up (each step loses at most a few units of 2^-W; after K <= 2^20
    ///   steps the error is below 2^-55, far under the 2^-F grid of the result after division by Z >= 1);
    /// - Z = w_0 + 2 sum w_j + (the tail bound of ``DiscreteGaussianLaw/tailBound(window:bits:)``) enclosed;
    /// - masses w_j / Z at F bits: lower = floor(w_lo 2^F / Z_hi), upper = ceil(w_hi 2^F / Z_lo); the mass
    ///   outside [-K, K] is at most tail / Z_lo, rounded up. K is the window of ``DiscreteGaussianLaw/window(tailBits:)``.
    /// Precondition: sigma2 > 0, 8 <= fractionBits <= 62, K <= 2^20.
    static func discreteGaussian(sigma2: Rational, fractionBits f: Int, tailBits: Int) -> ShiftLaw {
        precondition(f >= 8 && f <= ShiftLaw.maxFractionBits)
        let law = DiscreteGaussianLaw(unchecked: sigma2)
        let k = law.window(tailBits: tailBits)
        precondition(k <= 1 << 20, "ShiftLaw.discreteGaussian: window \(k) too wide")
        let w = 100
        let one = UInt128(1) << UInt128(w)
        func down(_ a: UInt128, _ b: UInt128) -> UInt128 {
            let p = a.multipliedFullWidth(by: b)
            return (p.high << UInt128(128 - w)) | (p.low >> UInt128(w))
        }
        func up(_ a: UInt128, _ b: UInt128) -> UInt128 {
            let p = a.multipliedFullWidth(by: b)
            let q = (p.high << UInt128(128 - w)) | (p.low >> UInt128(w))
            return p.low & (one - 1) == 0 ? q : q + 1
        }
        func fixed(_ x: Rational, roundUp: Bool) -> UInt128 {
            let s = x.timesPowerOfTwo(w)
            let v = roundUp ? s.ceil : s.floor
            return UInt128(v.asInt128!)
        }
        let r = Enclosure.exp(-Rational(1) / (Rational(2) * sigma2), bits: 120)
        let rLo = fixed(r.lo, roundUp: false), rHi = min(fixed(r.hi, roundUp: true), one)
        let r2Lo = down(rLo, rLo), r2Hi = min(up(rHi, rHi), one)
        var wLo: [UInt128] = [one], wHi: [UInt128] = [one]
        wLo.reserveCapacity(k + 1); wHi.reserveCapacity(k + 1)
        var qLo = rLo, qHi = rHi
        var sumLo = one, sumHi = one
        for _ in 0..<k {
            let lo = down(wLo[wLo.count - 1], qLo), hi = min(up(wHi[wHi.count - 1], qHi), one)
            wLo.append(lo); wHi.append(hi)
            sumLo += 2 * lo; sumHi += 2 * hi
            qLo = down(qLo, r2Lo); qHi = min(up(qHi, r2Hi), one)
        }
        let tailW = fixed(law.tailBound(window: k, bits: 64), roundUp: true)
        let zLo = sumLo, zHi = sumHi + tailW
        let fb = UInt128(f)
        func massDown(_ x: UInt128) -> UInt64 {
            let (q, _) = zHi.dividingFullWidth((high: x >> (128 - fb), low: x << fb))
            return UInt64(q)
        }
        func massUp(_ x: UInt128) -> UInt64 {
            let (q, rem) = zLo.dividingFullWidth((high: x >> (128 - fb), low: x << fb))
            return UInt64(min(rem == 0 ? q : q + 1, UInt128(1) << fb))
        }
        let halfLo = wLo.map(massDown), halfHi = wHi.map(massUp)
        let lo = Array(halfLo.reversed()) + halfLo.dropFirst()
        let hi = Array(halfHi.reversed()) + halfHi.dropFirst()
        // Mass outside the window <= tail / Z_lo, in units of 2^-F, rounded up (+1 covers the floor of tailW).
        let (tq, _) = zLo.dividingFullWidth((high: (tailW + 1) >> (128 - fb), low: (tailW + 1) << fb))
        return ShiftLaw(fractionBits: f, offset: -k, lo: lo, hi: hi, tail: UInt64(tq) + 1)
    }
}
