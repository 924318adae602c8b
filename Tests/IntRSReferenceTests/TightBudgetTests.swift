import Foundation
import Testing
import IntRSExact
@testable import IntRSReference

/// Issue 14, part 2, item 4: a time budget holds on every path of the tight search, including the
/// arbitrary-precision rungs (a near-tie on a 64-part pattern at sigma2 = 1000 used to hold `radius --tight
/// --max-seconds 60` for more than 20 minutes). The search asks its clock through the `stop` closures tested here.
@Suite struct TightBudgetTests {
    /// sigma2 = 16, pattern (1, 1, 1) and pA inside the 62-bit enclosure of midCDF_T(3): the fixed-width rungs cannot
    /// decide it, so the analysis climbs to the arbitrary-precision rungs.
    static func nearTie() throws -> (ShiftAnalyzer, [Int], Rational) {
        let analyzer = ShiftAnalyzer(noise: try CertificationNoise.family(.discreteGaussian, sigma2: Rational(16)))
        let delta = [1, 1, 1]
        let m = analyzer.midCDF(delta, precision: Precision.ladder[1])
        return (analyzer, delta, (m.lo + m.hi) / Rational(2))
    }

    @Test("analyse(stop:) is the uninterrupted analysis when never stopped, and climbs past the fixed-width rungs here")
    func analyseUnstopped() throws {
        let (analyzer, delta, pA) = try Self.nearTie()
        let plain = analyzer.analyse(delta: delta, pA: pA, pB: nil)
        let r = try #require(analyzer.analyse(delta: delta, pA: pA, pB: nil, stop: { false }))
        #expect(!plain.precision.isFixedWidth, "decided at \(plain.precision.fractionBits) bits: not a near-tie")
        #expect(r.precision == plain.precision && r.margin.lo == plain.margin.lo && r.margin.hi == plain.margin.hi
                && r.decision == plain.decision)
    }

    @Test("analyse(stop:) returns nil at once when stop says so, in the fixed-width and in the arbitrary-precision rungs")
    func analyseStops() throws {
        let (analyzer, delta, pA) = try Self.nearTie()
        // Count the questions an uninterrupted analysis asks; then stop at each of them in turn.
        var total = 0
        _ = analyzer.analyse(delta: delta, pA: pA, pB: nil, stop: { total += 1; return false })
        #expect(total > 3 * (delta.count + 1), "\(total)")   // rows of the big convolutions are asked too
        for limit in [0, 2, delta.count + 2, total / 2, total - 1] {
            var asked = 0
            let r = analyzer.analyse(delta: delta, pA: pA, pB: nil, stop: { asked += 1; return asked > limit })
            #expect(r == nil, "stopped after \(limit) questions")
            #expect(asked == limit + 1, "kept working after stop said true (\(asked) questions, limit \(limit))")
        }
    }

    @Test("search with a time budget that has already run out answers at once with a sound partial certificate")
    func searchOutOfTime() throws {
        let (analyzer, _, pA) = try Self.nearTie()
        let r = TightRadius.search(analyzer: analyzer, pA: pA, pB: nil, dimension: 3, maxNorm2: 40,
                                   budget: TightRadius.Budget(maxSeconds: 1e-9))
        #expect(!r.complete && r.nStar == nil && r.certifiedNorm2 == r.renyiFloor, "\(r.statement)")
    }
}
