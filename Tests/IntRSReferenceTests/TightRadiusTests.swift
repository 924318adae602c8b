import Testing
import IntRSExact
@testable import IntRSReference

@Suite struct TightRadiusTests {
    /// A made-up symmetric law flagged as layered, to exercise the search mechanics.
    static func analyzer(q: Rational, K: Int) -> ShiftAnalyzer {
        let law = ExactTestLaws.enclosed(ExactTestLaws.gaussianLike(q: q, K: K), offset: -K)
        return ShiftAnalyzer(noise: CertificationNoise(name: "test", sigma2: 1, likelihoodRatioIsLayered: true,
                                                       enclosed: { _ in law }))
    }

    /// All nonincreasing patterns of positive parts with norm <= limit and at most d parts.
    static func allPatterns(limit: Int, d: Int) -> [[Int]] {
        var out: [[Int]] = []
        func rec(_ p: [Int], _ norm: Int) {
            if !p.isEmpty { out.append(p) }
            if p.count == d { return }
            var k = p.last ?? limit
            while k >= 1 { if norm + k * k <= limit { rec(p + [k], norm + k * k) }; k -= 1 }
        }
        rec([], 0)
        return out
    }

    @Test("the pruned depth-first search finds the same n* as brute force over all patterns",
          arguments: [(Rational(3, 4), 1), (Rational(3, 4), 2), (Rational(3, 4), 5), (Rational(9, 10), 3), (Rational(99, 100), 4), (Rational(999, 1000), 10)])
    func matchesBruteForce(pA: Rational, d: Int) {
        let a = Self.analyzer(q: Rational(2, 3), K: 6)
        let limit = 30
        let r = TightRadius.search(analyzer: a, pA: pA, pB: nil, dimension: d, maxNorm2: limit)
        let coord = a.coordinateLaw(Precision.ladder[0])
        var brute: Int? = nil
        var brutePattern: [Int] = []
        for p in Self.allPatterns(limit: limit, d: d) {
            let n2 = p.reduce(0) { $0 + $1 * $1 }
            let m = NeymanPearson.midCDF(ShiftLaw.ofShift(p, noise: coord), at: n2)
            #expect(pA > m.hi || pA <= m.lo, "undecided \(p)")
            if pA <= m.lo, brute == nil || n2 < brute! { brute = n2; brutePattern = p }
        }
        #expect(r.nStar == brute, "pA=\(pA) d=\(d): search \(String(describing: r.nStar)) \(String(describing: r.witnessPattern)) brute \(String(describing: brute)) \(brutePattern)")
        if let w = r.witnessPattern { #expect(w.count <= d && w.reduce(0) { $0 + $1 * $1 } == r.nStar) }
        #expect(r.undecided.isEmpty)
    }

    @Test("the binary shortcut (NP-3) agrees with the general walk's binary margin")
    func shortcutAgreesWithWalk() {
        let a = Self.analyzer(q: Rational(2, 3), K: 6)
        let coord = a.coordinateLaw(Precision.ladder[1])
        for p in Self.allPatterns(limit: 12, d: 4) {
            let n2 = p.reduce(0) { $0 + $1 * $1 }
            let law = ShiftLaw.ofShift(p, noise: coord)
            let mid = NeymanPearson.midCDF(law, at: n2)
            for pA in [Rational(51, 100), Rational(7, 10), Rational(9, 10), Rational(99, 100)] {
                let byMid: Decision = pA > mid.hi ? .certified : (pA <= mid.lo ? .notCertified : .undecided)
                let byWalk = Decision(positive: NeymanPearson.binaryMargin(law, shift: n2, p: pA))
                #expect(byMid == byWalk, "pattern \(p) pA \(pA): mid \(byMid) walk \(byWalk)")
            }
        }
    }
}
