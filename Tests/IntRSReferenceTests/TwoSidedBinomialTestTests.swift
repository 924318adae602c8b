import Testing
import IntRSExact
import IntRSReference

@Suite("two-sided binomial test (PREDICT)")
struct TwoSidedBinomialTestTests {
    /// Brute force: sum the likelihoods of every outcome no more likely than k (p = 1/2).
    static func bruteForce(_ k: Int, _ m: Int) -> Rational {
        let pk = BigInt.binomial(m, k)
        var s = BigInt(0)
        for j in 0...m where BigInt.binomial(m, j) <= pk { s += BigInt.binomial(m, j) }
        return Rational.min(Rational(s, BigInt(1) << m), Rational(1))
    }

    @Test("p-value equals the brute-force minlike definition for m <= 40")
    func pValueMatchesBruteForce() throws {
        for m in 1...40 { for k in 0...m {
            #expect(try TwoSidedBinomialTest.pValue(successes: k, trials: m) == Self.bruteForce(k, m), "k=\(k) m=\(m)")
        } }
    }

    @Test("known values (scipy.stats.binomtest(k, n, 0.5).pvalue)")
    func knownValues() throws {
        // 2 * (C(10,9) + C(10,10)) / 2^10 = 22/1024; 2 * 176/1024 = 0.34375.
        #expect(try TwoSidedBinomialTest.pValue(successes: 9, trials: 10) == Rational(22, 1024))
        #expect(try TwoSidedBinomialTest.pValue(successes: 7, trials: 10) == Rational(352, 1024))
        #expect(try TwoSidedBinomialTest.pValue(successes: 5, trials: 10) == Rational(1))
    }

    @Test("rejects(k, m, alpha) == (pValue <= alpha), including the early exit")
    func rejectsAgreesWithPValue() throws {
        let alphas = [Rational(1, 1000), Rational(1, 20), Rational(22, 1024), Rational(1, 2)]
        for m in [1, 2, 9, 10, 33, 120, 500] {
            for k in stride(from: 0, through: m, by: max(1, m / 37)) {
                let p = try TwoSidedBinomialTest.pValue(successes: k, trials: m)
                for a in alphas {
                    #expect(try TwoSidedBinomialTest.rejects(successes: k, trials: m, alpha: a) == (p <= a), "k=\(k) m=\(m) alpha=\(a)")
                }
            }
        }
    }

    @Test("bad parameters are rejected with a message")
    func badInput() {
        #expect(throws: SmoothingReferenceError.self) { try TwoSidedBinomialTest.pValue(successes: 5, trials: 4) }
        #expect(throws: SmoothingReferenceError.self) { try TwoSidedBinomialTest.rejects(successes: 1, trials: 4, alpha: Rational(1)) }
    }
}
