import ArgumentParser
import Foundation
import IntRSConformance
import IntRSCore
import IntRSExact

extension SamplerKind: ExpressibleByArgument {}
extension SamplerImpl: ExpressibleByArgument {}

/// `intrs sample`: draw integer noise from one stream, exactly as Vectors/stream-spec.md specifies.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw integer noise samples (grid units) from one ChaCha20 stream.",
        discussion: """
        Prints the first COUNT samples of the stream (seed, example, phase, stream), i.e. the first
        COUNT coordinates of one noisy input, one integer (grid units) per line; --json adds the
        cumulative words consumed after each sample. The stream is specified in Vectors/stream-spec.md.
        --stream N is the sample index (nonce word 3); --example and --phase (nonce words 1, 2) default
        to 0. Phases: 0 = CERTIFY selection, 1 = CERTIFY estimation, 2 = PREDICT.
        """)

    @Option(help: "Noise family: discrete-gaussian or rounded-gaussian.")
    var noise: NoiseFamily
    @Option(parsing: .unconditional, help: "Noise variance sigma2 in grid units squared: integer, p/q or exact decimal (e.g. 65025/16).")
    var sigma2: String
    @Option(help: "exact (CKS, discrete Gaussian only) or table (CDT with --bits thresholds).")
    var sampler: SamplerKind = .exact
    @Option(help: "reference (big integers) or fast (fixed-width runtime). Both give identical output.")
    var impl: SamplerImpl = .fast
    @Option(help: "The 256-bit seed: 64 hex digits (optional 0x).")
    var seed: String
    @Option(parsing: .unconditional, help: "The sample index within (example, phase): nonce word 3.")
    var stream: UInt32 = 0
    @Option(parsing: .unconditional, help: "The example index: nonce word 1.")
    var example: UInt32 = 0
    @Option(parsing: .unconditional, help: "The phase: nonce word 2 (0 selection, 1 estimation, 2 predict; other values are refused).")
    var phase: UInt32 = 0
    @Option(parsing: .unconditional, help: "Number of samples (1 ... 1000000).")
    var count: Int = 10
    @Option(parsing: .unconditional, help: "Table threshold width b in bits (32, 64, 96 or 128; default 64; --sampler table only, refused with exact).")
    var bits: Int?
    @Flag(help: "Print JSON: parameters, samples and cumulative words consumed.")
    var json = false

    static let maxCount = 1_000_000

    func validate() throws {
        guard (1...Self.maxCount).contains(count) else {
            throw ValidationError("--count \(count): must be between 1 and \(Self.maxCount)")
        }
    }

    struct Output: Encodable {
        let noise: String, sigma2: String, sampler: String, impl: String, bits: Int?
        let seed: String, stream: StreamID
        let samples: [Int], wordsAfterEach: [UInt64], wordsConsumed: UInt64
    }

    func run() throws {
        let s2 = try parseSigma2(sigma2)
        guard phase <= 2 else {
            throw ValidationError("--phase \(phase): the phase must be 0 (selection), 1 (estimation) or 2 (predict)")
        }
        if sampler == .exact, let b = bits {
            throw ValidationError("--bits \(b): only meaningful with --sampler table (the exact sampler has no table)")
        }
        let bits = self.bits ?? 64
        let sd: Seed
        do { sd = try Seed(hex: seed) } catch { throw ValidationError("--seed: \(error)") }
        if sampler == .exact && noise == .roundedGaussian {
            throw ValidationError("--noise rounded-gaussian needs --sampler table (there is no exact rounded-Gaussian sampler)")
        }
        let factory: NoiseSamplerFactory
        do { factory = try NoiseSamplerFactory(family: noise, sigma2: s2, kind: sampler, impl: impl, bits: bits) } catch {
            throw ValidationError("\(error)")
        }
        let id = StreamID(example: example, phase: phase, index: stream)
        let (samples, words) = factory.samples(seed: sd, id: id, count: count)
        if json {
            let o = Output(noise: noise.rawValue, sigma2: s2.description, sampler: sampler.rawValue, impl: impl.rawValue,
                           bits: sampler == .table ? bits : nil, seed: sd.hex, stream: id,
                           samples: samples, wordsAfterEach: words, wordsConsumed: words.last ?? 0)
            FileHandle.standardOutput.write(try CanonicalJSON.encode(o))
        } else {
            print(samples.map(String.init).joined(separator: "\n"))
        }
    }
}
