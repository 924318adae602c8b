import Foundation
import Testing
@testable import IntRSExact
@testable import IntRSReference

/// A seeded PRNG (SplitMix64) so that failures are reproducible; the seed is in each message.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `P[Bin(n, p) <= k]`, exact.
private func binomialCDF(_ k: Int, _ n: Int, _ p: Rational) -> Rational {
    1 - ClopperPearson.binomialTailAtLeast(successes: k + 1, trials: n, p: p)
}

@Suite("Clopper–Pearson (CP-1)")
struct ClopperPearsonTests {
    /// The defining property, checked EXACTLY on rationals: the returned lower bound L satisfies
    /// P[Bin(n, L) >= k] <= alpha (soundness) and the next grid point L + 2^-bits violates it
    /// (so L is within 2^-bits of the true bound). Same for the upper bound with the lower tail.
    @Test func exactnessPropertyOnRandomSmallCases() throws {
        let seed: UInt64 = 20_261_126
        var rng = SplitMix64(state: seed)
        for i in 0..<60 {
            let n = Int(rng.next() % 40) + 1
            let k = Int(rng.next() % UInt64(n + 1))
            let alpha = Rational(Int(rng.next() % 999) + 1, 1000)
            let bits = [8, 20, 40][i % 3]
            let step = Rational(1).timesPowerOfTwo(-bits)
            let ctx = "seed \(seed) case \(i): k=\(k) n=\(n) alpha=\(alpha) bits=\(bits)"
            let lower = try ClopperPearson.lowerBound(successes: k, trials: n, alpha: alpha, bits: bits)
            #expect(lower.isDyadic && lower.denominator <= BigInt(1) << bits, "\(ctx)")
            if k == 0 {
                #expect(lower == 0, "\(ctx)")
            } else {
                #expect(ClopperPearson.binomialTailAtLeast(successes: k, trials: n, p: lower) <= alpha, "\(ctx)")
                #expect(ClopperPearson.binomialTailAtLeast(successes: k, trials: n, p: lower + step) > alpha, "\(ctx)")
            }
            let upper = try ClopperPearson.upperBound(successes: k, trials: n, alpha: alpha, bits: bits)
            if k == n {
                #expect(upper == 1, "\(ctx)")
            } else {
                #expect(binomialCDF(k, n, upper) <= alpha, "\(ctx)")
                #expect(binomialCDF(k, n, upper - step) > alpha, "\(ctx)")
            }
        }
    }

    @Test func exactTailSmallCases() {
        // P[Bin(3, 1/2) >= 2] = 4/8; P[Bin(4, 1/3) >= 1] = 1 - (2/3)^4 = 65/81.
        #expect(ClopperPearson.binomialTailAtLeast(successes: 2, trials: 3, p: Rational(1, 2)) == Rational(1, 2))
        #expect(ClopperPearson.binomialTailAtLeast(successes: 1, trials: 4, p: Rational(1, 3)) == Rational(65, 81))
        #expect(ClopperPearson.binomialTailAtLeast(successes: 0, trials: 4, p: Rational(1, 3)) == 1)
        #expect(ClopperPearson.binomialTailAtLeast(successes: 5, trials: 4, p: Rational(1, 3)) == 0)
        #expect(ClopperPearson.binomialTailAtLeast(successes: 4, trials: 4, p: Rational(1)) == 1)
        #expect(ClopperPearson.binomialTailAtLeast(successes: 1, trials: 4, p: Rational(0)) == 0)
        // The enclosure contains the exact value.
        for (k, n, m) in [(3, 10, 300), (10, 10, 900), (1, 17, 5), (9, 30, 512)] {
            let p = Rational.dyadic(BigInt(m), exponent: -10)
            let exact = ClopperPearson.binomialTailAtLeast(successes: k, trials: n, p: p)
            let enc = ClopperPearson.tailEnclosure(successes: k, trials: n, numerator: BigInt(m), bits: 10, precision: 80)
            #expect(enc.contains(exact) && enc.width < Rational(1).timesPowerOfTwo(-60), "k=\(k) n=\(n) m=\(m)")
        }
    }

    /// Lemma B on random inputs: the fixed-point tail enclosure contains the exact tail (seeded).
    @Test func tailEnclosureContainsExactTail() {
        let seed: UInt64 = 77
        var rng = SplitMix64(state: seed)
        for i in 0..<80 {
            let n = Int(rng.next() % 120) + 1
            let k = Int(rng.next() % UInt64(n)) + 1
            let bits = Int(rng.next() % 40) + 2
            let m = BigInt(Int(rng.next() % ((1 << UInt64(bits)) - 1)) + 1)
            let w = Int(rng.next() % 100) + 8
            let exact = ClopperPearson.binomialTailAtLeast(successes: k, trials: n, p: Rational.dyadic(m, exponent: -bits))
            let enc = ClopperPearson.tailEnclosure(successes: k, trials: n, numerator: m, bits: bits, precision: w)
            #expect(enc.contains(exact), "seed \(seed) case \(i): k=\(k) n=\(n) m=\(m) bits=\(bits) w=\(w)")
        }
    }

    /// Long run (INTRS_LONG_TESTS=1): the exact defining property for 2000 random cases with n <= 300.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["INTRS_LONG_TESTS"] == "1"))
    func exactnessPropertyLong() throws {
        let seed: UInt64 = 4_242
        var rng = SplitMix64(state: seed)
        for i in 0..<2000 {
            let n = Int(rng.next() % 300) + 1
            let k = Int(rng.next() % UInt64(n)) + 1
            let alpha = Rational(Int(rng.next() % 99_999) + 1, 100_000)
            let lower = try ClopperPearson.lowerBound(successes: k, trials: n, alpha: alpha, bits: 64)
            let step = Rational(1).timesPowerOfTwo(-64)
            let ctx = "seed \(seed) case \(i): k=\(k) n=\(n) alpha=\(alpha)"
            #expect(ClopperPearson.binomialTailAtLeast(successes: k, trials: n, p: lower) <= alpha, "\(ctx)")
            #expect(ClopperPearson.binomialTailAtLeast(successes: k, trials: n, p: lower + step) > alpha, "\(ctx)")
        }
    }

    @Test func monotoneInSuccesses() throws {
        for n in [1, 7, 200, 5000] {
            var previous = Rational(-1)
            for k in stride(from: 0, through: n, by: Swift.max(1, n / 25)) {
                let l = try ClopperPearson.lowerBound(successes: k, trials: n, alpha: Rational(1, 1000), bits: 40)
                #expect(l > previous, "n=\(n) k=\(k)")
                previous = l
            }
        }
    }

    /// k = n: the bound is alpha^(1/n); exactly L^n <= alpha < (L + 2^-bits)^n for moderate n, and
    /// agreement with the exp/log enclosure of alpha^(1/n) for n = 100,000.
    @Test func allSuccessesGivesRootOfAlpha() throws {
        for (n, alpha) in [(1, Rational(1, 2)), (10, Rational(1, 1000)), (137, Rational(3, 100))] {
            let l = try ClopperPearson.lowerBound(successes: n, trials: n, alpha: alpha, bits: 64)
            #expect(l.power(n) <= alpha && (l + Rational(1).timesPowerOfTwo(-64)).power(n) > alpha, "n=\(n)")
        }
        let n = 100_000, alpha = Rational(1, 1000)
        let l = try ClopperPearson.lowerBound(successes: n, trials: n, alpha: alpha, bits: 64)
        let root = Enclosure.exp(Enclosure.log(alpha, bits: 90) * Rational(1, n), bits: 90)
        #expect(l <= root.hi && root.lo < l + Rational(1).timesPowerOfTwo(-64))
    }

    /// scipy 1.17.1 `scipy.stats.beta.ppf(alpha, k, n - k + 1)` (the one-sided lower bound as used by
    /// Cohen et al.), printed with `repr(float(...))`:
    /// python3 -c "from scipy.stats import beta; print(repr(float(beta.ppf(0.001, 99000, 1001))))".
    /// Ours must agree to 1e-12 and be sound: at high precision, T(ours) <= alpha < T(ours + 2^-64).
    @Test(arguments: [
        (99000, 100000, "0.001", "0.9889893403774748"),
        (50000, 100000, "0.001", "0.49510904290369595"),
        (100000, 100000, "0.001", "0.9999309248330094"),
        (1, 100000, "0.001", "1.000500328578529e-08"),
        (99990, 100000, "1e-10", "0.9995344389112174"),
        (500, 1000, "0.05", "0.47351773123569124"),
        (1, 1, "0.5", "0.5"),
        (7, 10, "0.01", "0.29711647232053734"),
        (3, 50, "0.2", "0.030847647572545475"),
        (9990, 10000, "0.001", "0.9975883080325683"),
        (60000, 100000, "1e-6", "0.5926160425697454"),
        (1000, 1000, "0.001", "0.9931160484209338"),
    ])
    func agreesWithScipy(_ k: Int, _ n: Int, _ alphaText: String, _ scipy: String) throws {
        let alpha = try Rational(parsing: alphaText)
        let ours = try ClopperPearson.lowerBound(successes: k, trials: n, alpha: alpha)
        let reference = try Rational(parsing: scipy)
        #expect((ours - reference).magnitude <= Rational(1, 1_000_000_000_000), "ours \(ours.decimalString(digits: 20)) scipy \(scipy)")
        // Soundness at high precision (independent of the bisection's own precision choices).
        let m = ours.timesPowerOfTwo(64).numerator
        if k > 0 {
            let here = ClopperPearson.tailEnclosure(successes: k, trials: n, numerator: m, bits: 64, precision: 400)
            #expect(here.hi <= alpha)
            let next = ClopperPearson.tailEnclosure(successes: k, trials: n, numerator: m + 1, bits: 64, precision: 400)
            #expect(next.lo > alpha)
        }
    }

    @Test func rejectsBadInput() {
        let a = Rational(1, 1000)
        #expect(throws: ClopperPearson.InputError.successesExceedTrials(successes: 5, trials: 4)) {
            try ClopperPearson.lowerBound(successes: 5, trials: 4, alpha: a)
        }
        #expect(throws: ClopperPearson.InputError.negativeSuccesses(-1)) {
            try ClopperPearson.lowerBound(successes: -1, trials: 4, alpha: a)
        }
        #expect(throws: ClopperPearson.InputError.nonPositiveTrials(0)) {
            try ClopperPearson.upperBound(successes: 0, trials: 0, alpha: a)
        }
        for bad in [Rational(0), Rational(1), Rational(-1, 2), Rational(3, 2)] {
            #expect(throws: ClopperPearson.InputError.self) {
                try ClopperPearson.lowerBound(successes: 1, trials: 4, alpha: bad)
            }
        }
        #expect(throws: ClopperPearson.InputError.bitsOutOfRange(0)) {
            try ClopperPearson.lowerBound(successes: 1, trials: 4, alpha: a, bits: 0)
        }
        #expect("\(ClopperPearson.InputError.successesExceedTrials(successes: 5, trials: 4))".contains("exceeds"))
    }
}
