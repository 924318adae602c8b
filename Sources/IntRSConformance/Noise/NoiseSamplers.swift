import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

/// Which implementation: the big-integer reference or the fixed-width runtime.
public enum SamplerImpl: String, Codable, Sendable, CaseIterable {
    case reference
    case fast
}

/// Builds any of the four samplers (family x kind x impl) behind one closure, for the CLI,
/// the vectors and the benchmarks. Errors are `NoiseError`s with clear messages.
public struct NoiseSamplerFactory: Sendable {
    public let family: NoiseFamily
    public let sigma2: Rational
    public let kind: SamplerKind
    public let impl: SamplerImpl
    /// Table width b (tables only).
    public let bits: Int
    /// The table law (tables only).
    public let tableLaw: TableLaw?
    let draw: @Sendable (inout ChaChaStream) -> Int

    public init(family: NoiseFamily, sigma2: Rational, kind: SamplerKind, impl: SamplerImpl, bits: Int = 64,
                tableLaw: TableLaw? = nil) throws(NoiseError) {
        guard sigma2.signum > 0 else { throw .nonPositiveSigma2(sigma2.description) }
        self.family = family
        self.sigma2 = sigma2
        self.kind = kind
        self.impl = impl
        self.bits = bits
        switch kind {
        case .exact:
            guard family == .discreteGaussian else {
                throw .invalidTable("the rounded Gaussian has no exact sampler here; use --sampler table")
            }
            self.tableLaw = nil
            switch impl {
            case .reference:
                let s = try ReferenceDiscreteGaussianSampler(sigma2: sigma2)
                draw = { s.sample(&$0).asInt! }
            case .fast:
                guard let p = sigma2.numerator.asInt.flatMap(UInt64.init(exactly:)),
                      let q = sigma2.denominator.asInt.flatMap(UInt64.init(exactly:)) else {
                    throw .outsideFastDomain("sigma2 = \(sigma2) is outside the fast sampler's domain: " + FastDiscreteGaussianSampler.domainDescription)
                }
                let s = try FastDiscreteGaussianSampler(sigma2Numerator: p, sigma2Denominator: q)
                draw = { Int(s.sample(&$0)) }
            }
        case .table:
            let law: TableLaw
            if let given = tableLaw { law = given } else { law = try TableLaw(family: family, sigma2: sigma2, bits: bits) }
            self.tableLaw = law
            switch impl {
            case .reference:
                let s = ReferenceTableSampler(law: law)
                draw = { s.sample(&$0) }
            case .fast:
                let s = try FastTableSampler(table: law.noiseTable)
                draw = { Int(s.sample(&$0)) }
            }
        }
    }

    /// `count` consecutive samples from one stream, with the cumulative words consumed after each.
    public func samples(seed: Seed, id: StreamID, count: Int) -> (samples: [Int], wordsAfterEach: [UInt64]) {
        var s = ChaChaStream(seed: seed, id: id)
        var out: [Int] = [], words: [UInt64] = []
        out.reserveCapacity(count); words.reserveCapacity(count)
        for _ in 0..<count { out.append(draw(&s)); words.append(s.wordsConsumed) }
        return (out, words)
    }

    /// One sample from an existing stream.
    public func sample(_ s: inout ChaChaStream) -> Int { draw(&s) }
}
