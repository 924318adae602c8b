import Testing
import IntRSExact
@testable import IntRSReference

/// `ClopperPearson.lowerBoundIsBelow`: the exact comparison of p_L(k) with a dyadic (Proofs: CP-1, AUD-1).
@Suite("Clopper–Pearson comparison with a dyadic")
struct ClopperPearsonCompareTests {
    /// The search returns L with L <= p_L < L + 2^-64, so p_L < L is false and p_L < L + 2^-64 is true:
    /// both decided by one tail each, on random (k, n, alpha) with a fixed seed, and monotone in k.
    @Test("p_L(k) < x is false at x = L and true at x = L + 2^-64; monotone in k")
    func bracketsTheSearch() throws {
        var state: UInt64 = 0xA0D1_0001
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let ulp = Rational.dyadic(BigInt(1), exponent: -64)
        for case_ in 0..<30 {
            let n = 1 + Int(next() % 3000)
            let k = 1 + Int(next() % UInt64(n))
            let alpha = Rational(1 + Int(next() % 999), 1000)
            let l = try ClopperPearson.lowerBound(successes: k, trials: n, alpha: alpha, bits: 64)
            if l > Rational(0) {
                #expect(try !ClopperPearson.lowerBoundIsBelow(successes: k, trials: n, alpha: alpha, dyadic: l), "case \(case_): k \(k) n \(n) alpha \(alpha)")
            }
            #expect(try ClopperPearson.lowerBoundIsBelow(successes: k, trials: n, alpha: alpha, dyadic: l + ulp), "case \(case_): k \(k) n \(n) alpha \(alpha)")
            // Monotone in k: every smaller count is below L + 2^-64 too, and k = 0 always is.
            #expect(try ClopperPearson.lowerBoundIsBelow(successes: k - 1, trials: n, alpha: alpha, dyadic: l + ulp))
        }
    }
}
