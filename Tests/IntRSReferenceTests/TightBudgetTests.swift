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
        // Count the questions an uninterrupted analysis asks (after a first run has enclosed and cached the noise law
        // at every rung: an enclosure asks questions of its own, tested in InterruptibleStepsTests); then stop at each
        // of them in turn.
        _ = analyzer.analyse(delta: delta, pA: pA, pB: nil)
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

/// The three steps that used to be uninterruptible (issue 14, part 2, item 4): one fixed-width convolution, the noise
/// law's enclosure at a new precision, and the witness check. Each asks `stop` inside its loop: the tests count the
/// questions an uninterrupted run asks, check that the answer is unchanged when `stop` never says true, and that the
/// step returns (nil / `.stopped`) at once, asking no further question, when it does. Removing any of those checks
/// makes `stopsInside` fail (the step would return a value, or ask only once).
@Suite struct InterruptibleStepsTests {
    /// A per-coordinate law and a wide law of T (sigma2 = 64, pattern 1^8 at 52 bits: windows ~100 and ~400 points).
    static func laws() throws -> (ShiftLaw, ShiftLaw) {
        let analyzer = ShiftAnalyzer(noise: try CertificationNoise.family(.discreteGaussian, sigma2: Rational(64)))
        let coord = analyzer.coordinateLaw(Precision.ladder[0])
        return (coord, ShiftLaw.ofShift([1, 1, 1, 1, 1, 1, 1, 1], noise: coord))
    }

    /// Runs `step` with a `stop` that says true after `limit` questions; returns (questions asked, whether it stopped).
    static func interrupted(after limit: Int, _ step: (() -> Bool) -> Bool) -> (asked: Int, stopped: Bool) {
        var asked = 0
        let stopped = step { asked += 1; return asked > limit }
        return (asked, stopped)
    }

    @Test("fixed-width convolution (ShiftLaw, ShiftLaw31): same law when never stopped; stops inside the loop")
    func convolutionStops() throws {
        let (coord, t) = try Self.laws()
        let plain = t.adding(part: 3, of: coord)
        var total = 0
        #expect(t.adding(part: 3, of: coord, stop: { total += 1; return false }) == plain)
        #expect(total >= 3, "a convolution of \(plain.lo.count) entries asked stop only \(total) times")
        for limit in [0, 1, total - 1] {
            let r = Self.interrupted(after: limit) { stop in t.adding(part: 3, of: coord, stop: stop) == nil }
            #expect(r.stopped && r.asked == limit + 1, "limit \(limit): \(r)")
        }
        let coord31 = ShiftLaw31(ShiftLaw(ShiftAnalyzerFixture.enclosed(), fractionBits: 31))
        let t31 = ShiftLaw31.ofShift([1, 1, 1, 1], noise: coord31)
        var total31 = 0
        #expect(t31.adding(part: 2, of: coord31, stop: { total31 += 1; return false }) == t31.adding(part: 2, of: coord31))
        #expect(total31 > 10, "\(total31)")
        let r31 = Self.interrupted(after: total31 / 2) { stop in t31.adding(part: 2, of: coord31, stop: stop) == nil }
        #expect(r31.stopped && r31.asked == total31 / 2 + 1, "\(r31)")
    }

    @Test("noise-law enclosure at a new precision (discrete and rounded Gaussian): same law when never stopped; stops inside")
    func enclosureStops() throws {
        let dg = try DiscreteGaussianLaw(sigma2: Rational(64))
        let rg = try RoundedGaussianLaw(sigma2: Rational(64))
        var totalD = 0, totalR = 0
        #expect(dg.enclosed(bits: 128, stop: { totalD += 1; return false }) == dg.enclosed(bits: 128))
        #expect(rg.enclosed(bits: 128, stop: { totalR += 1; return false }) == rg.enclosed(bits: 128))
        #expect(totalD > 100 && totalR > 50, "\(totalD) \(totalR)")
        for limit in [0, totalD / 2, totalD - 1] {
            let r = Self.interrupted(after: limit) { stop in dg.enclosed(bits: 128, stop: stop) == nil }
            #expect(r.stopped && r.asked == limit + 1, "limit \(limit): \(r)")
        }
        let r = Self.interrupted(after: totalR / 2) { stop in rg.enclosed(bits: 128, stop: stop) == nil }
        #expect(r.stopped && r.asked == totalR / 2 + 1, "\(r)")
        // Through the analyzer: an interrupted enclosure is not cached, the next call encloses again.
        let analyzer = ShiftAnalyzer(noise: try CertificationNoise.family(.discreteGaussian, sigma2: Rational(64)))
        #expect(analyzer.coordinateBigLaw(Precision.arbitrary[0], stop: { true }) == nil)
        #expect(analyzer.coordinateBigLaw(Precision.arbitrary[0], stop: { false }) == analyzer.coordinateBigLaw(Precision.arbitrary[0]))
    }

    @Test("witness check: same result when never stopped; .stopped inside the enumeration")
    func witnessCheckStops() throws {
        // sigma2 = 1, four parts: about 9,000 enumerated points (several questions inside the enumeration).
        let analyzer = ShiftAnalyzer(noise: try CertificationNoise.family(.discreteGaussian, sigma2: Rational(1)))
        let a = analyzer.analyse(delta: [1, 1, 1, 1], pA: Rational(6, 10), pB: nil)
        let w = try #require(a.witness)
        let noise = analyzer.enclosedLaw(bits: Precision.ladder[1].noiseBits)
        let plain = try #require(w.check(noise: noise, pA: Rational(6, 10), pB: nil))
        var total = 0
        #expect(w.check(noise: noise, pA: Rational(6, 10), pB: nil, stop: { total += 1; return false }) == .checked(plain))
        #expect(total >= 4, "\(total)")
        for limit in [0, 1, total - 1] {
            var asked = 0
            let r = w.check(noise: noise, pA: Rational(6, 10), pB: nil, stop: { asked += 1; return asked > limit })
            #expect(r == .stopped && asked == limit + 1, "limit \(limit): \(asked)")
        }
    }
}

/// A small enclosed law for the 31-bit tests.
enum ShiftAnalyzerFixture {
    static func enclosed() -> EnclosedLaw { try! DiscreteGaussianLaw(sigma2: Rational(64)).enclosed(bits: 44) }
}
