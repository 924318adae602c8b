import Foundation
import Testing
import IntRSCore
import IntRSFloatBaseline

/// The float baseline's statistics against scipy 1.17.1 values (beta.ppf, norm.ppf), recorded here.
@Suite("float baseline math")
struct FloatBaselineMathTests {
    @Test("Clopper–Pearson lower bound matches scipy beta.ppf(alpha, k, n-k+1) to 1e-12")
    func clopperPearson() {
        // scipy 1.17.1: beta.ppf(0.001, 990, 11) and beta.ppf(0.001, 60, 41)
        let a = FloatBaselineMath.clopperPearsonLower(successes: 990, trials: 1000, alpha: 0.001)
        #expect(abs(a - 0.9760361871553114) < 1e-12, "\(a)")
        let b = FloatBaselineMath.clopperPearsonLower(successes: 60, trials: 100, alpha: 0.001)
        #expect(abs(b - 0.4409842652212994) < 1e-12, "\(b)")
        #expect(FloatBaselineMath.clopperPearsonLower(successes: 0, trials: 10, alpha: 0.01) == 0)
        #expect(abs(FloatBaselineMath.clopperPearsonLower(successes: 100, trials: 100, alpha: 0.001) - pow(0.001, 0.01)) < 1e-15)
    }

    @Test("PhiInv matches scipy norm.ppf", arguments: [
        (0.975, 1.959963984540054), (1e-10, -6.361340902404056), (0.999999, 4.753424308817087), (0.5, 0.0)])
    func phiInverse(p: Double, expected: Double) {
        let x = FloatBaselineMath.phiInverse(p)
        #expect(abs(x - expected) <= 1e-13 * max(1, abs(expected)), "PhiInv(\(p)) = \(x)")
    }

    @Test("Box–Muller noise has mean ~0 and variance ~sigma^2 (n = 20000, 6-sigma bounds)")
    func boxMuller() {
        struct Counter: UniformWordSource {
            var state: UInt64 = 12345
            mutating func nextWord() -> UInt32 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return UInt32(truncatingIfNeeded: (z ^ (z >> 31)) >> 16)
            }
        }
        var s = Counter()
        var buf = [Float](repeating: 0, count: 20000)
        buf.withUnsafeMutableBufferPointer { BoxMuller.fill(&s, sigma: 2, into: $0) }
        let mean = buf.reduce(0.0) { $0 + Double($1) } / 20000
        let v = buf.reduce(0.0) { $0 + Double($1) * Double($1) } / 20000
        #expect(abs(mean) < 6 * 2 / 20000.0.squareRoot())
        #expect(abs(v - 4) < 6 * 4 * (2 / 20000.0).squareRoot())
    }
}
