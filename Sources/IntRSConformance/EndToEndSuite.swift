import Foundation
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

/// End-to-end vectors: (model, input, seed, noise, sigma2, N0, N, alpha) -> vote counts, the Clopper–Pearson
/// bound and the certified |delta|^2, computed by the reference (reference samplers, reference int8
/// evaluator, exact Clopper–Pearson, the exact certificate table). Each group embeds a tiny int8 model
/// (Vectors/model-format.md), so another runtime can reproduce every case from the file alone.
/// `conform` runs the fast runtime (fast samplers, FastInt8Evaluator, VoteCounter on 2 threads, the
/// integer table lookup) against every case.
public enum EndToEndSuite: VectorSuite {
    public static let name = "end-to-end"
    /// Version 2: noise drawn by stream-spec version 2 (the exact-sampler cases changed; version 1 followed v1).
    public static let version = 2

    public struct Parameters: Codable, Sendable {
        /// The base classifier: a tiny int8 model (intrs-int8-model v1), embedded.
        public var model: Int8Model
        /// SHA-256 of the model's canonical JSON (CanonicalJSON.encode(model)).
        public var modelSHA256: String
    }

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var comment: String
        /// Clean grid input (d values).
        public var input: [Int]
        /// The first word of every stream id (the example index in a data set).
        public var example: UInt32
        public var seed: String
        public var noise: String
        public var sigma2: String
        public var sampler: String
        public var tableBits: Int?
        public var n0: Int
        public var n: Int
        public var alpha: String
        public var radiusMode: String
        // Expected results.
        /// Counts of the N0 selection samples (streams (example, 0, i)).
        public var selectionCounts: [Int]
        /// Counts of the N estimation samples (streams (example, 1, i)).
        public var counts: [Int]
        public var candidate: Int
        public var nA: Int
        /// Exact dyadic Clopper–Pearson lower bound, rounded down.
        public var pALower: String
        /// Per-coordinate total-variation bound of the sampler ("0" for exact).
        public var tvBoundPerCoordinate: String
        /// The certificate table for this configuration (the runtime's input) and its answer for nA:
        /// n* ("robust for every integer delta with |delta|^2 < n*"), or 0 for abstain.
        public var certificateSteps: [CertificateStep]
        public var certifiedNorm2: Int
        /// PREDICT on the same input with N samples (streams (example, 2, i)): counts and the answer (-1 abstain).
        public var predictCounts: [Int]
        public var predictPrediction: Int
    }

    typealias File = VectorFile<Parameters, Case>

    struct Config {
        var noise: NoiseConfiguration, n0: Int, n: Int, alpha: Rational, radiusMode: RadiusMode
    }

    static let seedHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    static let configs: [Config] = [
        Config(noise: NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(9, 4), sampler: .exact, tableBits: nil), n0: 16, n: 120, alpha: Rational(1, 100), radiusMode: .binary),
        Config(noise: NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(16), sampler: .table, tableBits: 64), n0: 16, n: 120, alpha: Rational(1, 1000), radiusMode: .binary),
        Config(noise: NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(4), sampler: .table, tableBits: 32), n0: 10, n: 100, alpha: Rational(1, 100), radiusMode: .binary),
        Config(noise: NoiseConfiguration(family: .roundedGaussian, sigma2: Rational(1), sampler: .table, tableBits: 64), n0: 10, n: 100, alpha: Rational(1, 100), radiusMode: .binary),
    ]

    /// A hand-made tiny classifier whose vote depends on the noise: input [4] (q = 8 g), one fully connected
    /// layer 4 -> 3 with weights [[10,-10,0,0],[0,10,-10,0],[-10,0,10,5]], zero bias, rescale 1/8
    /// (M0 = 2^30, shift -2), double rounding.
    static func handModel() -> Int8Model {
        var fc = Int8Layer(op: "fullyConnected", outputShape: [3], outputZeroPoint: 0)
        fc.name = "fc"
        fc.filter = Int8Tensor(int8: [10, -10, 0, 0, 0, 10, -10, 0, -10, 0, 10, 5], shape: [3, 4])
        fc.bias = Int8Tensor(int32: [0, 0, 0], shape: [3])
        fc.multiplier = [1 << 30, 1 << 30, 1 << 30]
        fc.shift = [-2, -2, -2]
        return Int8Model(name: "e2e-hand-fc", description: "end-to-end vectors: tiny hand-made classifier", rounding: .double,
                         input: Int8InputSpec(shape: [4], zeroPoint: 0, gridMultiplier: 8, scale: 1.0 / 128, gridScale: 1.0 / 16),
                         layers: [fc], classLabels: ["a", "b", "c"])
    }

    /// The models and their inputs: the hand-made model on a three-way tie and on a clear class 0, and a random
    /// conv model from Int8ModelGenerator (exercises more ops; its vote is nearly constant).
    static func modelsAndInputs() throws -> [(description: String, model: Int8Model, inputs: [[Int]])] {
        let r = Int8ModelGenerator.randomModel(seed: 3, rounding: .double)
        var g = Int8SplitMix64(seed: 3 &* 7919)
        let z = r.input.zeroPoint, gm = r.input.gridMultiplier
        let lo = (-128 - z) / gm, hi = (127 - z) / gm
        let rx = (0..<r.input.shape.reduce(1, *)).map { _ in g.int(lo...max(lo, hi)) }
        return [("tiny hand-made fully connected model 4 -> 3", handModel(), [[1, 1, 1, 0], [3, 0, 0, 0]]),
                ("tiny random int8 model (Int8ModelGenerator seed 3), input \(r.input.shape)", r, [rx])]
    }

    public static func generate() throws -> Data {
        let seed = try Seed(hex: seedHex)
        var groups: [VectorGroup<Parameters, Case>] = []
        var id = 0
        for (gi, (desc, m, inputs)) in try modelsAndInputs().enumerated() {
            let net = try m.validated(file: desc)
            var cases: [Case] = []
            for (xi, x) in inputs.enumerated() { for (ci, c) in configs.enumerated() {
                id += 1
                let example = UInt32(1000 * gi + 10 * xi + ci)
                // The specification, called (not restated): ReferenceSmoothing.certify and .predict.
                let cert = try ReferenceSmoothing.certify(network: net, input: x, seed: seed, example: example, n0: c.n0, n: c.n,
                                                          alpha: c.alpha, noise: c.noise, radiusMode: c.radiusMode)
                let pred = try ReferenceSmoothing.predict(network: net, input: x, seed: seed, example: example, n: c.n,
                                                          alpha: c.alpha, noise: c.noise)
                cases.append(Case(
                    id: id, result: .valid,
                    comment: "\(c.noise.family.rawValue) sigma2 \(c.noise.sigma2), \(c.noise.sampler.rawValue) sampler, N0 \(c.n0), N \(c.n), alpha \(c.alpha)",
                    input: x, example: example, seed: seedHex, noise: c.noise.family.rawValue, sigma2: c.noise.sigma2.description,
                    sampler: c.noise.sampler.rawValue, tableBits: c.noise.tableBits, n0: c.n0, n: c.n, alpha: c.alpha.description,
                    radiusMode: c.radiusMode.rawValue, selectionCounts: cert.selectionCounts, counts: cert.estimationCounts,
                    candidate: cert.candidate, nA: cert.nA,
                    pALower: cert.pALower.description, tvBoundPerCoordinate: cert.tvBound.description,
                    certificateSteps: cert.table.steps, certifiedNorm2: cert.certifiedNorm2Bound ?? 0,
                    predictCounts: pred.counts, predictPrediction: pred.prediction ?? -1))
            } }
            groups.append(VectorGroup(description: desc,
                                      parameters: Parameters(model: m, modelSHA256: SHA256.hex(try CanonicalJSON.encode(m))),
                                      cases: cases))
        }
        let file = File(suite: name, version: version,
                        description: "CERTIFY and PREDICT end to end on tiny int8 models: ChaCha20 streams (example, phase, index), reference noise samplers, reference int8 evaluator, vote counts, exact Clopper-Pearson lower bound, the certificate table and its answer, and PREDICT's exact two-sided binomial test. Noise streams: Vectors/stream-spec.md version \(StreamSpecification.version).",
                        seed: seedHex, sources: [StreamSpecification.provenance], groups: groups)
        return try CanonicalJSON.encode(file)
    }

    /// Largest N0 or N a case may ask for (the generated cases use at most a few hundred).
    static let maxSamples = 100_000

    /// The file is outside input (`intrs vectors check`): a field the runtime below would trap on, or that
    /// would make the check run for hours, is reported as a problem instead (nil when the case is usable).
    static func fieldProblem(_ c: Case, inputCount: Int) -> String? {
        if NoiseFamily(rawValue: c.noise) == nil { return "field noise is \"\(c.noise)\", expected discrete-gaussian or rounded-gaussian" }
        guard let s2 = Rational(c.sigma2), s2 > Rational(0), s2.numerator.asInt != nil, s2.denominator.asInt != nil else {
            return "field sigma2 is \"\(c.sigma2)\", expected a positive p/q with 64-bit numerator and denominator"
        }
        if c.sampler != "exact" && c.sampler != "table" { return "field sampler is \"\(c.sampler)\", expected exact or table" }
        if c.sampler == "table" && c.tableBits == nil { return "field tableBits is missing (sampler table)" }
        if c.input.count != inputCount { return "field input has \(c.input.count) values, the model expects \(inputCount)" }
        if let i = c.input.firstIndex(where: { Int32(exactly: $0) == nil }) { return "field input[\(i)] is \(c.input[i]), outside Int32" }
        if !(0...maxSamples).contains(c.n0) { return "field n0 is \(c.n0), expected 0 to \(maxSamples)" }
        if !(0...maxSamples).contains(c.n) { return "field n is \(c.n), expected 0 to \(maxSamples)" }
        return nil
    }

    public static func conform(_ data: Data) throws -> [String] {
        let file = try File.decode(data, file: fileName)
        var problems: [String] = []
        for (g, c) in file.allCases {
            do {
                let seed = try Seed(hex: c.seed)
                let eval = try FastInt8Evaluator(model: g.parameters.model, threads: 1, file: "case \(c.id) model")
                if let p = fieldProblem(c, inputCount: eval.inputCount) { problems.append("case \(c.id): \(p)"); continue }
                let family = NoiseFamily(rawValue: c.noise)!
                let s2 = Rational(c.sigma2)!
                let noise: AnyGridNoiseSource
                if c.sampler == "exact" {
                    noise = AnyGridNoiseSource(StreamNoiseSource(seed: seed, sampler: try FastDiscreteGaussianSampler(
                        sigma2Numerator: UInt64(s2.numerator.asInt!), sigma2Denominator: UInt64(s2.denominator.asInt!))))
                } else {
                    let law = try TableLaw(family: family, sigma2: s2, bits: c.tableBits!)
                    noise = AnyGridNoiseSource(StreamNoiseSource(seed: seed, sampler: try FastTableSampler(table: law.noiseTable)))
                }
                let counter = VoteCounter(classifier: eval, noise: noise, threads: 2, chunkSize: 7)
                let x = c.input.map { Int32($0) }
                let sel = counter.count(input: x, example: c.example, phase: 0, samples: c.n0)
                let est = counter.count(input: x, example: c.example, phase: 1, samples: c.n)
                let pc = counter.count(input: x, example: c.example, phase: 2, samples: c.n)
                if sel != c.selectionCounts { problems.append("case \(c.id): selection counts \(sel), expected \(c.selectionCounts)") }
                if est != c.counts { problems.append("case \(c.id): estimation counts \(est), expected \(c.counts)") }
                if pc != c.predictCounts { problems.append("case \(c.id): predict counts \(pc), expected \(c.predictCounts)") }
                if argmaxLowestIndex(sel) != c.candidate { problems.append("case \(c.id): candidate \(argmaxLowestIndex(sel)), expected \(c.candidate)") }
                let table = CertificateTable(configuration: CertificateConfiguration(
                    noise: c.noise, sigma2: c.sigma2, sampler: c.sampler, eta: c.tvBoundPerCoordinate, samplerBits: c.tableBits,
                    dimension: c.input.count, estimationSamples: c.n, alpha: c.alpha, form: "binary", mode: "closed-form"),
                    steps: c.certificateSteps, basis: "", generator: "")
                let got = table.certifiedNorm2Bound(nA: est[argmaxLowestIndex(sel)]) ?? 0
                if got != c.certifiedNorm2 { problems.append("case \(c.id): certified |delta|^2 bound \(got), expected \(c.certifiedNorm2)") }
            } catch {
                problems.append("case \(c.id): \(error)")
            }
        }
        return problems
    }
}
