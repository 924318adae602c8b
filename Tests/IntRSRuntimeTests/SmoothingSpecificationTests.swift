import Testing
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

/// The fast CERTIFY and PREDICT (`FastSmoothing` over `VoteCounter`, the fast int8 evaluator, the fast samplers and
/// the integer table lookup) equal their specification (`ReferenceSmoothing.certify` / `.predict`: reference
/// samplers on big numbers, reference int8 evaluator, exact Clopper–Pearson, the certificate table read by a
/// linear scan, the exact two-sided binomial test) on random models, inputs and noise configurations.
@Suite("CERTIFY and PREDICT equal their specification")
struct SmoothingSpecificationTests {
    /// PREDICT's abstain rule decided by the exact test (what `intrs predict` gives the runtime).
    struct ExactTest: PredictionTest {
        var alpha: Rational
        func rejectsEquality(top: Int, second: Int) -> Bool {
            (try? TwoSidedBinomialTest.rejects(successes: top, trials: top + second, alpha: alpha)) ?? false
        }
    }

    /// A tiny classifier whose vote depends on the noise (4 inputs, 3 classes, many ties near the origin).
    static func handModel() -> Int8Model {
        var fc = Int8Layer(op: "fullyConnected", outputShape: [3], outputZeroPoint: 0)
        fc.filter = Int8Tensor(int8: [10, -10, 0, 0, 0, 10, -10, 0, -10, 0, 10, 5], shape: [3, 4])
        fc.bias = Int8Tensor(int32: [0, 0, 0], shape: [3])
        fc.multiplier = [1 << 30, 1 << 30, 1 << 30]
        fc.shift = [-2, -2, -2]
        return Int8Model(name: "spec-hand-fc", description: "test", rounding: .double,
                         input: Int8InputSpec(shape: [4], zeroPoint: 0, gridMultiplier: 8, scale: 1.0 / 128, gridScale: 1.0 / 16),
                         layers: [fc], classLabels: ["a", "b", "c"])
    }

    static let noises: [NoiseConfiguration] = [
        NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(9, 4), sampler: .exact, tableBits: nil),
        NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(5), sampler: .exact, tableBits: nil),
        NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(16), sampler: .table, tableBits: 64),
        NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(4), sampler: .table, tableBits: 32),
        NoiseConfiguration(family: .roundedGaussian, sigma2: Rational(1), sampler: .table, tableBits: 64),
        NoiseConfiguration(family: .roundedGaussian, sigma2: Rational(7, 2), sampler: .table, tableBits: 32),
    ]

    static func fastNoise(_ c: NoiseConfiguration, seed: Seed) throws -> AnyGridNoiseSource {
        switch c.sampler {
        case .exact:
            return AnyGridNoiseSource(StreamNoiseSource(seed: seed, sampler: try FastDiscreteGaussianSampler(
                sigma2Numerator: UInt64(c.sigma2.numerator.asInt!), sigma2Denominator: UInt64(c.sigma2.denominator.asInt!))))
        case .table:
            return AnyGridNoiseSource(StreamNoiseSource(seed: seed, sampler: try FastTableSampler(table: try c.tableLaw()!.noiseTable)))
        }
    }

    @Test("fast certify and predict equal ReferenceSmoothing on random inputs and configurations", arguments: 0..<8)
    func fastEqualsSpecification(trial: Int) throws {
        var g = Int8SplitMix64(seed: UInt64(1000 + trial))
        let model = trial % 4 == 3 ? Int8ModelGenerator.randomModel(seed: UInt64(trial), rounding: .double) : Self.handModel()
        let net = try model.validated(file: "trial \(trial)")
        let z = model.input.zeroPoint, gm = model.input.gridMultiplier
        let lo = (-128 - z) / gm, hi = (127 - z) / gm
        let span = model.layers.count == 1 ? min(3, hi) : hi
        let input = (0..<model.input.shape.reduce(1, *)).map { _ in g.int(max(lo, -span)...span) }
        let noise = Self.noises[g.int(0...(Self.noises.count - 1))]
        let alpha = [Rational(1, 100), Rational(1, 1000), Rational(1, 20)][g.int(0...2)]
        let mode: RadiusMode = noise.family == .roundedGaussian && g.int(0...1) == 1 ? .twoClass : .binary
        let n0 = g.int(3...20), n = g.int(20...90)
        var seedBytes = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { seedBytes[i] = UInt8(g.int(0...255)) }
        let seed = Seed(bytes: seedBytes)
        let example = UInt32(g.int(0...100_000))
        let label = "trial \(trial): \(noise), alpha \(alpha), \(mode), n0 \(n0), n \(n), input \(input)"

        let spec = try ReferenceSmoothing.certify(network: net, input: input, seed: seed, example: example, n0: n0, n: n,
                                                  alpha: alpha, noise: noise, radiusMode: mode)
        let fast = FastSmoothing(classifier: try FastInt8Evaluator(model: model, threads: 1, file: "trial"),
                             noise: try Self.fastNoise(noise, seed: seed), threads: 2, chunkSize: 7)
        let x = input.map { Int32($0) }
        let c = fast.certify(input: x, example: example, n0: n0, n: n, certificate: spec.table)
        #expect(c.selectionCounts == spec.selectionCounts, "\(label)")
        #expect(c.estimationCounts == spec.estimationCounts, "\(label)")
        #expect(c.candidate == spec.candidate && c.nA == spec.nA, "\(label)")
        #expect(c.certifiedNorm2Bound == spec.certifiedNorm2Bound, "\(label)")
        #expect(c.prediction == spec.prediction, "\(label)")
        #expect(c == spec.outcome, "\(label)")   // one shared CertifyOutcome: every field at once

        let p = fast.predict(input: x, example: example, n: n, test: ExactTest(alpha: alpha))
        let ps = try ReferenceSmoothing.predict(network: net, input: input, seed: seed, example: example, n: n,
                                                alpha: alpha, noise: noise)
        #expect(p.counts == ps.counts, "\(label)")
        #expect(p.top == ps.top && p.second == ps.second && p.nA == ps.nA && p.nB == ps.nB, "\(label)")
        #expect(p.prediction == ps.prediction, "\(label)")
        #expect(p == ps, "\(label)")   // one shared PredictOutcome
    }

    @Test("the decisions from counts: selection ties, top two, the table read plainly equals the lookup")
    func decisionsFromCounts() throws {
        #expect(ReferenceSmoothing.select([3, 5, 5, 1]) == 1)
        #expect(ReferenceSmoothing.select([3, 5, 5, 1]) == argmaxLowestIndex([3, 5, 5, 1]))
        var g = Int8SplitMix64(seed: 77)
        for _ in 0..<500 {
            let k = g.int(1...5)
            let counts = (0..<k).map { _ in g.int(0...4) }
            let t = ReferenceSmoothing.topTwo(counts)
            let f = topTwo(counts)
            #expect(t.top == f.top && t.second == f.second, "\(counts)")
            #expect(ReferenceSmoothing.select(counts) == argmaxLowestIndex(counts), "\(counts)")
        }
        let noise = NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(16), sampler: .table, tableBits: 64)
        let table = try SmoothingCertification.table(noise: noise, dimension: 4, estimationSamples: 200,
                                                     alpha: Rational(1, 100), radiusMode: .binary)
        for nA in 0...200 {
            #expect(table.certifiedNorm2Bound(nA: nA) == ReferenceSmoothing.certificate(table: table, nA: nA), "nA \(nA)")
        }
    }
}
