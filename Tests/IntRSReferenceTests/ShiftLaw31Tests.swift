import Testing
import IntRSExact
@testable import IntRSReference

/// The fast 31-bit rung against the reference fixed-point convolution (same F) and the 62-bit law.
@Suite struct ShiftLaw31Tests {
    static func randomPatterns(seed: UInt64, count: Int) -> [[Int]] {
        var g = RenyiFloorTests.Gen(s: seed)
        return (0 ..< count).map { _ in
            (0 ..< (1 + g.below(6))).map { _ in (1 + g.below(5)) * (g.below(4) == 0 ? -1 : 1) }
        }
    }

    @Test("ShiftLaw31 equals ShiftLaw.adding at F = 31 bit for bit, and overlaps the 62-bit enclosure (seed 0x31F00D)",
          arguments: [Rational(1, 2), Rational(1), Rational(3), Rational(10), Rational(64)])
    func equalsReferenceAndOverlaps62(s2: Rational) {
        let a = ShiftAnalyzer(noise: try! CertificationNoise.discreteGaussian(sigma2: s2))
        let ref31 = a.coordinateLaw(Precision.fast)
        let fast = ShiftLaw31(ref31)
        let ref62 = a.coordinateLaw(Precision.ladder[1])
        for p in Self.randomPatterns(seed: 0x31F00D, count: 12) {
            let f = ShiftLaw31.ofShift(p, noise: fast)
            let r = ShiftLaw31(ShiftLaw.ofShift(p, noise: ref31))
            #expect(f == r, "sigma2 \(s2) pattern \(p): fast and reference 31-bit laws differ")
            let l31 = f.shiftLaw
            let l62 = ShiftLaw.ofShift(p, noise: ref62)
            for t in l62.support.lowerBound - 2 ... l62.support.upperBound + 1 {
                #expect(l31.mass(at: t).intersection(l62.mass(at: t)) != nil, "sigma2 \(s2) pattern \(p): mass at \(t) enclosures disjoint")
            }
            let n2 = p.reduce(0) { $0 + $1 * $1 }
            #expect(NeymanPearson.midCDF(l31, at: n2).intersection(NeymanPearson.midCDF(l62, at: n2)) != nil)
        }
    }

    @Test("the tight search gives the same n* with and without the fast rung")
    func searchAgrees() {
        for (s2, pA, pB) in [(Rational(4), Rational(999, 1000), nil), (Rational(10), Rational(99, 100), nil),
                             (Rational(2), Rational(9, 10), Rational(5, 100)) as (Rational, Rational, Rational?)] {
            let a = ShiftAnalyzer(noise: try! CertificationNoise.discreteGaussian(sigma2: s2))
            let f = TightRadius.search(analyzer: a, pA: pA, pB: pB, dimension: 6, maxNorm2: 80)
            let s = TightRadius.search(analyzer: a, pA: pA, pB: pB, dimension: 6, maxNorm2: 80, fastRung: false)
            #expect(f.nStar == s.nStar && f.patternsVisited == s.patternsVisited,
                    "sigma2 \(s2) pA \(pA): fast \(String(describing: f.nStar)) (\(f.patternsVisited)) vs \(String(describing: s.nStar)) (\(s.patternsVisited))")
            #expect(f.undecided.isEmpty && s.undecided.isEmpty)
        }
    }
}
