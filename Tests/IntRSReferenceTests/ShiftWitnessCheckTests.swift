import Testing
import IntRSExact
@testable import IntRSReference

/// `ShiftWitness.check` sums the last coordinate with exact prefix sums; this suite holds the obviously correct
/// reference (every point of the box, one by one) and requires the same four exact enclosures.
@Suite struct ShiftWitnessCheckTests {
    /// Reference: every noise vector of the box, one weight per point (the pre-session-3 implementation).
    static func bruteForce(_ w: ShiftWitness, noise: EnclosedLaw) -> (Interval, Interval, Interval, Interval) {
        let parts = w.delta.filter { $0 != 0 }
        let lo0 = noise.offset, hi0 = noise.offset + noise.masses.count - 1
        let ranges = parts.map { k in min(lo0, lo0 + k) ... max(hi0, hi0 + k) }
        func p(_ e: Int) -> Interval { noise.support.contains(e) ? noise.masses[e - noise.offset] : Interval(exactly: 0) }
        var cA = Interval(exactly: 0), cB = Interval(exactly: 0), sA = Interval(exactly: 0), sB = Interval(exactly: 0)
        var z = ranges.map(\.lowerBound)
        let count = ranges.reduce(1) { $0 * $1.count }
        for _ in 0 ..< count {
            var t = 0
            var p0 = Interval(exactly: 1), p1 = Interval(exactly: 1)
            for i in parts.indices { t += parts[i] * z[i]; p0 = p0 * p(z[i]); p1 = p1 * p(z[i] - parts[i]) }
            let wA = w.weightA(t), wB = w.weightB(t)
            if !wA.isZero { cA = cA + p0 * Interval(exactly: wA); sA = sA + p1 * Interval(exactly: wA) }
            if !wB.isZero { cB = cB + p0 * Interval(exactly: wB); sB = sB + p1 * Interval(exactly: wB) }
            var i = 0
            while i < parts.count { if z[i] < ranges[i].upperBound { z[i] += 1; break }; z[i] = ranges[i].lowerBound; i += 1 }
        }
        let out = Rational(parts.count) * noise.tailMass
        func widen(_ x: Interval) -> Interval { Interval(lo: x.lo, hi: Rational.min(x.hi + out, Rational(1))) }
        return (widen(cA), widen(cB), widen(sA), widen(sB))
    }

    @Test("the prefix-sum check equals the point-by-point sum exactly (binary and two-class, negative entries, layers)",
          arguments: [[1], [2], [-3], [1, 1], [2, -1], [-1, 3], [2, 1, 1], [1, -2, 2]])
    func equalsBruteForce(delta: [Int]) throws {
        let noise = try DiscreteGaussianLaw(sigma2: Rational(1, 2)).enclosed(bits: 24)
        let n2 = delta.reduce(0) { $0 + $1 * $1 }
        for (tauA, thetaA, tauB, thetaB) in [(0, Rational(1, 3), nil, nil), (-n2, Rational(1, 2), nil, nil), (2, Rational(0), nil, nil),
                                              (0, Rational(1, 3), 3, Rational(2, 5)), (-1, Rational(1), 1, Rational(1, 7))]
                                              as [(Int, Rational, Int?, Rational?)] {
            let w = ShiftWitness(delta: delta, tauA: tauA, thetaA: thetaA, tauB: tauB, thetaB: thetaB)
            let c = try #require(w.check(noise: noise, pA: Rational(1, 2), pB: tauB == nil ? nil : Rational(1, 4)))
            let (cA, cB, sA, sB) = Self.bruteForce(w, noise: noise)
            #expect(c.cleanA == cA && c.cleanB == cB && c.shiftedA == sA && c.shiftedB == sB,
                    "delta \(delta) tauA \(tauA) tauB \(String(describing: tauB))")
        }
    }

    @Test("three-part witnesses at sigma2 = 25 are now checked (the enumerated part is one coordinate smaller)")
    func threePartsChecked() throws {
        let a = ShiftAnalyzer(noise: try CertificationNoise.discreteGaussian(sigma2: 25))
        let r = a.analyse(delta: [2, 1, 1], pA: Rational(55, 100), pB: nil)
        let w = try #require(r.witness)
        let c = try #require(w.check(noise: a.enclosedLaw(bits: Precision.ladder[1].noiseBits), pA: Rational(55, 100), pB: nil))
        #expect(c.valid)
    }
}
