import Testing
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

/// Bit-for-bit agreement of the fast draws and the fast CKS sampler with the reference
/// (Vectors/stream-spec.md): identical results AND identical word counts.
/// Random parameters come from a fixed-seed ChaCha stream; failures print the case.
@Suite struct FastDiscreteGaussianAgreementTests {
    static let paramSeed = try! Seed(hex: "5eed000000000000000000000000000000000000000000000000000000000001")

    static func seed(_ i: Int) -> Seed {
        var b = [UInt8](repeating: 0, count: 32)
        b[0] = UInt8(truncatingIfNeeded: i); b[1] = UInt8(truncatingIfNeeded: i >> 8); b[31] = 0xa5
        return Seed(bytes: b)
    }

    @Test("uniform and bernoulli: fast == reference on random n of every width, same words")
    func drawsAgree() {
        var params = ChaChaStream(seed: Self.paramSeed, id: StreamID(example: 0, phase: 0, index: 0))
        var ns: [UInt128] = [1, 2, 3, 7, 1 << 31, (1 << 32) - 1, 1 << 32, (1 << 32) + 1, UInt128(UInt64.max),
                             UInt128(UInt64.max) + 1, UInt128(1) << 100, (UInt128(1) << 127) - 1, (UInt128(1) << 127) + 12345]
        for _ in 0..<60 {
            let bits = Int(params.nextWord() % 127) + 1
            var n = UInt128(params.nextWord()) | UInt128(params.nextWord()) << 32 | UInt128(params.nextWord()) << 64 | UInt128(params.nextWord()) << 96
            n &= (UInt128(1) << bits) - 1
            ns.append(max(n, 1))
        }
        for (i, n) in ns.enumerated() {
            let id = StreamID(example: UInt32(i), phase: 7, index: 3)
            var sf = ChaChaStream(seed: Self.seed(i), id: id), sr = sf
            for _ in 0..<20 {
                let f = sf.uniform(n)
                let r = ReferenceDraws.uniform(BigInt(n.description)!, &sr)
                #expect(BigInt(f.description)! == r, "uniform n=\(n) case \(i)")
                #expect(sf.wordsConsumed == sr.wordsConsumed, "uniform words n=\(n) case \(i)")
                let a = n / 3
                #expect(sf.bernoulli(a, n) == ReferenceDraws.bernoulli(BigInt(a.description)!, BigInt(n.description)!, &sr), "bernoulli \(a)/\(n)")
                #expect(sf.wordsConsumed == sr.wordsConsumed)
                // b = 2a: one bit of the bit-word (stream-spec §3, version 2), interleaved with the words above.
                if n % 2 == 0 {
                    #expect(sf.bernoulli(n / 2, n) == ReferenceDraws.bernoulli(BigInt((n / 2).description)!, BigInt(n.description)!, &sr), "bernoulli \(n / 2)/\(n)")
                    #expect(sf.wordsConsumed == sr.wordsConsumed, "bernoulli half words n=\(n) case \(i)")
                    if n < UInt128(UInt64.max) {
                        #expect(sf.bernoulli(UInt64(n / 2), UInt64(n)) == ReferenceDraws.bernoulli(BigInt((n / 2).description)!, BigInt(n.description)!, &sr), "bernoulli64 \(n / 2)/\(n)")
                        #expect(sf.wordsConsumed == sr.wordsConsumed)
                    }
                }
            }
        }
    }

    @Test("Bernoulli(exp(-x/y)), its runs of Bernoulli(exp(-1)) and Bernoulli(1/2): fast == reference, same words, incl. y K past 2^64")
    func bernoulliExpDrawsAgree() {
        var params = ChaChaStream(seed: Self.paramSeed, id: StreamID(example: 2, phase: 0, index: 0))
        // (x, y) with x <= y: small, around 2^32, and y >= 2^63 with x = y, where K = 2 already gives
        // y K >= 2^64 (the UInt64 loop must continue in UInt128).
        // (36, 72), (5, 10): Bernoulli(x/(yK)) = 1/2 at K = 1 (a bit draw); (72, 72): at K = 2.
        var cases: [(UInt64, UInt64)] = [(0, 1), (1, 1), (1, 2), (2, 3), (36, 72), (5, 10), (71, 72), (72, 72), ((1 << 32) - 1, 1 << 32),
                                         (1 << 63, 1 << 63), (UInt64.max, UInt64.max), (UInt64.max - 5, UInt64.max)]
        for _ in 0..<40 {
            let y = (UInt64(params.nextWord()) | UInt64(params.nextWord()) << 32) >> (params.nextWord() % 64) | 1
            let x = UInt64(params.nextWord()) % y + (params.nextWord() % 4 == 0 ? 1 : 0)
            cases.append((x, y))
        }
        for (i, (x, y)) in cases.enumerated() {
            var sf = ChaChaStream(seed: Self.seed(500 + i), id: StreamID(example: 9, phase: 1, index: 2)), sr = sf
            for j in 0..<6 {
                #expect(sf.bernoulliExpSmall(x, y) == ReferenceDraws.bernoulliExpSmall(BigInt(x), BigInt(y), &sr), "BexpSmall(\(x), \(y)) case \(i).\(j)")
                #expect(sf.wordsConsumed == sr.wordsConsumed, "BexpSmall(\(x), \(y)) words case \(i).\(j)")
                #expect(sf.bernoulliExpSmall(UInt128(x), UInt128(y)) == ReferenceDraws.bernoulliExpSmall(BigInt(x), BigInt(y), &sr), "BexpSmall128(\(x), \(y)) case \(i).\(j)")
                #expect(sf.wordsConsumed == sr.wordsConsumed, "BexpSmall128 words case \(i).\(j)")
                // General case x > y (scaled x), small y so floor(x/y) Bernoulli(exp(-1)) runs are drawn.
                let ys = y % 1000 + 1, xs = x % 5000
                #expect(sf.bernoulliExp(xs, ys) == ReferenceDraws.bernoulliExp(BigInt(xs), BigInt(ys), &sr), "Bexp(\(xs), \(ys)) case \(i).\(j)")
                #expect(sf.wordsConsumed == sr.wordsConsumed, "Bexp(\(xs), \(ys)) words case \(i).\(j)")
                // A run of Bernoulli(exp(-1)) with a limit, as the reference loop draws it.
                let limit = UInt64(j == 5 ? 0 : j * 2)
                var v: UInt64 = 0
                while v < limit, ReferenceDraws.bernoulliExpSmall(BigInt(1), BigInt(1), &sr) { v += 1 }
                #expect(sf.bernoulliExpMinusOneSuccesses(upTo: limit) == v, "run limit \(limit) case \(i).\(j)")
                #expect(sf.wordsConsumed == sr.wordsConsumed, "run words case \(i).\(j)")
                #expect(sf.bernoulliHalf() == ReferenceDraws.bernoulli(BigInt(1), BigInt(2), &sr), "Bernoulli(1/2) case \(i).\(j)")
                #expect(sf.wordsConsumed == sr.wordsConsumed)
            }
        }
    }

    /// sigma2 values the issue names plus domain edges.
    static let fixedSigma2: [(UInt64, UInt64)] = [(1, 100), (1, 4), (1, 1), (9, 4), (4, 1), (100, 1),
                                                   (65025, 16), (1_000_000, 1), (1 << 24, 1), (4_294_967_295, 4_294_967_291)]

    @Test("fast CKS == reference CKS at fixed sigma2: samples and word counts", arguments: fixedSigma2.indices)
    func fixedAgree(_ i: Int) throws {
        let (p, q) = Self.fixedSigma2[i]
        try checkAgreement(p: p, q: q, seed: Self.seed(1000 + i), samples: 40)
    }

    @Test("fast CKS == reference CKS on random (sigma2, seed) (fixed parameter seed)")
    func randomAgree() throws {
        var params = ChaChaStream(seed: Self.paramSeed, id: StreamID(example: 1, phase: 0, index: 0))
        for c in 0..<30 {
            // Denominator and numerator of every size up to the domain's edge.
            let q = UInt64(params.nextWord() >> (params.nextWord() % 32)) | 1
            let maxP = min(UInt64(UInt32.max), q << 24)
            let p = (UInt64(params.nextWord() >> (params.nextWord() % 32)) % maxP) + 1
            try checkAgreement(p: p, q: q, seed: Self.seed(c), samples: 8)
        }
    }

    func checkAgreement(p: UInt64, q: UInt64, seed: Seed, samples: Int) throws {
        let fast = try FastDiscreteGaussianSampler(sigma2Numerator: p, sigma2Denominator: q)
        let ref = try ReferenceDiscreteGaussianSampler(sigma2: Rational(BigInt(p), BigInt(q)))
        #expect(BigInt(fast.t) == ref.t)
        for index in 0..<UInt32(3) {
            let id = StreamID(example: 2, phase: 1, index: index)
            var sf = ChaChaStream(seed: seed, id: id), sr = sf
            for k in 0..<samples {
                let f = fast.sample(&sf)
                let r = ref.sample(&sr)
                #expect(BigInt(Int(f)) == r, "sigma2=\(p)/\(q) seed=\(seed.hex) stream=\(id) sample \(k): fast \(f) reference \(r)")
                #expect(sf.wordsConsumed == sr.wordsConsumed, "sigma2=\(p)/\(q) seed=\(seed.hex) stream=\(id) sample \(k): words")
            }
        }
    }

    @Test("the fast sampler refuses parameters outside its domain with a clear error")
    func domain() {
        #expect(throws: NoiseError.self) { try FastDiscreteGaussianSampler(sigma2Numerator: 0, sigma2Denominator: 1) }
        #expect(throws: NoiseError.self) { try FastDiscreteGaussianSampler(sigma2Numerator: 1, sigma2Denominator: 0) }
        #expect(throws: NoiseError.self) { try FastDiscreteGaussianSampler(sigma2Numerator: 1 << 32, sigma2Denominator: 3) }
        #expect(throws: NoiseError.self) { try FastDiscreteGaussianSampler(sigma2Numerator: 1, sigma2Denominator: 1 << 32) }
        #expect(throws: NoiseError.self) { try FastDiscreteGaussianSampler(sigma2Numerator: (1 << 24) + 1, sigma2Denominator: 1) }
        // Reduced to lowest terms before the check: 2^33/2^9 = 2^24 is inside.
        #expect(throws: Never.self) { try FastDiscreteGaussianSampler(sigma2Numerator: 1 << 33, sigma2Denominator: 1 << 9) }
        do { _ = try FastDiscreteGaussianSampler(sigma2Numerator: (1 << 24) + 1, sigma2Denominator: 1) } catch {
            #expect(error.description.contains("2^24") && error.description.contains("sigma2 = 16777217 is outside"))
        }
    }
}
