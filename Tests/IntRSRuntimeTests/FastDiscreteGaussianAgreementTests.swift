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
            #expect(error.description.contains("2^24") && error.description.contains("16777217/1"))
        }
    }
}
