import ArgumentParser
import Foundation
import IntRSConformance
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

extension SamplerKind: ExpressibleByArgument {}
extension SamplerImpl: ExpressibleByArgument {}

/// `intrs sample`: draw integer noise from one stream, exactly as Vectors/stream-spec.md specifies.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw integer noise samples (grid units) from one ChaCha20 stream.",
        discussion: """
        Prints the first COUNT samples of the stream (seed, example, phase, stream), i.e. the first COUNT coordinates of one noisy input, one integer (grid units) per line; --json adds the cumulative words consumed after each sample and streamSpec, the version of Vectors/stream-spec.md the draws follow (this build: \(StreamSpecification.version)). The stream is specified in Vectors/stream-spec.md. --stream N is the sample index (nonce word 3); --example and --phase (nonce words 1, 2) default to 0. Phases: 0 = CERTIFY selection, 1 = CERTIFY estimation, 2 = PREDICT.

        --sampler table --table FILE samples from a noise table file (Vectors/noise-table-format.md, written by `intrs noise --sampler table --bits B --write-table FILE`) instead of building the table: the file is validated (errors name the file, field and value) and sampled as it is; --noise, --sigma2 and --bits may then be omitted and, if given, must match the file.
        """)

    @Option(help: "Noise family: discrete-gaussian or rounded-gaussian (required unless --table).")
    var noise: NoiseFamily?
    @Option(parsing: .unconditional, help: "Noise variance sigma2 in grid units squared: integer, p/q or exact decimal (e.g. 65025/16; required unless --table).")
    var sigma2: String?
    @Option(help: "exact (CKS, discrete Gaussian only) or table (CDT with --bits thresholds).")
    var sampler: SamplerKind = .exact
    @Option(help: "reference (big integers) or fast (fixed-width runtime). Both give identical output.")
    var impl: SamplerImpl = .fast
    @Option(parsing: .unconditional, help: "The 256-bit seed: 64 hex digits (optional 0x).")
    var seed: String
    @Option(parsing: .unconditional, help: "The sample index within (example, phase): nonce word 3 (0 ... 4294967295).")
    var stream: UInt32 = 0
    @Option(parsing: .unconditional, help: "The example index: nonce word 1 (0 ... 4294967295).")
    var example: UInt32 = 0
    @Option(parsing: .unconditional, help: "The phase: nonce word 2, 0 ... 2 (0 selection, 1 estimation, 2 predict; other values are refused). (default: 0)",
            transform: SampleCommand.phase)
    var phase: UInt32 = 0
    @Option(parsing: .unconditional, help: "Number of samples (1 ... 1000000).")
    var count: Int = 10
    @Option(parsing: .unconditional, help: "Table threshold width b in bits (32, 64, 96 or 128; default 64; --sampler table only, refused with exact).")
    var bits: Int?
    @Option(help: "With --sampler table: sample from this noise table file (intrs-noise-table JSON) instead of building the table.")
    var table: String?
    @Flag(help: "Print JSON: parameters, samples and cumulative words consumed.")
    var json = false

    static let maxCount = 1_000_000

    /// A `--phase` value that is not 0, 1 or 2 (a negative number, 3 or more, or not an integer).
    struct PhaseError: Error, CustomStringConvertible {
        var description: String { "the phase must be 0 (selection), 1 (estimation) or 2 (predict)" }
    }

    /// Parses `--phase`: 0, 1 or 2; anything else is refused while parsing (exit 64), argument-parser's message
    /// naming the option and the value, followed by ``PhaseError``'s.
    static func phase(_ text: String) throws -> UInt32 {
        guard let p = UInt32(text), p <= 2 else { throw PhaseError() }
        return p
    }

    /// The checks that read only the options (argument-parser runs this before `run`); the --table file and the
    /// sampler's domain are checked by ``output()``.
    func validate() throws {
        guard (1...Self.maxCount).contains(count) else {
            throw ValidationError("--count \(count): must be between 1 and \(Self.maxCount)")
        }
        guard phase <= 2 else {
            throw ValidationError("--phase \(phase): the phase must be 0 (selection), 1 (estimation) or 2 (predict)")
        }
        if sampler == .exact, let b = bits {
            throw ValidationError("--bits \(b): only meaningful with --sampler table (the exact sampler has no table)")
        }
        if let path = table {
            guard sampler == .table else {
                throw ValidationError("--table \(path): needs --sampler table (the exact sampler has no table)")
            }
            return
        }
        guard let noise else { throw ValidationError("--noise: missing; give discrete-gaussian or rounded-gaussian (or --sampler table --table FILE)") }
        guard let sigma2 else { throw ValidationError("--sigma2: missing; give the variance in grid units squared, e.g. 4 or 65025/16") }
        _ = try parseSigma2(sigma2)
        _ = try parsedSeed()
        if sampler == .exact && noise == .roundedGaussian {
            throw ValidationError("--noise rounded-gaussian needs --sampler table (there is no exact rounded-Gaussian sampler)")
        }
    }

    struct Output: Encodable {
        let noise: String, sigma2: String, sampler: String, impl: String, bits: Int?
        let seed: String, stream: StreamID
        let samples: [Int], wordsAfterEach: [UInt64], wordsConsumed: UInt64
        /// The version of Vectors/stream-spec.md these draws follow (``StreamSpecification/version``).
        var streamSpec: Int = StreamSpecification.version
        /// The noise table file sampled (--table), else absent.
        let tableFile: String?
    }

    func run() throws {
        let o = try output()
        if json {
            FileHandle.standardOutput.write(try CanonicalJSON.encode(o))
        } else {
            print(o.samples.map(String.init).joined(separator: "\n"))
        }
    }

    /// Reads the options (checked by ``validate()``; their parse errors are thrown again here for callers that
    /// bypass the parser), checks the --table file and the sampler's domain, and draws the samples (no output is
    /// printed before this succeeds).
    func output() throws -> Output {
        if let path = table { return try outputFromTableFile(path) }
        guard let noise else { throw ValidationError("--noise: missing; give discrete-gaussian or rounded-gaussian (or --sampler table --table FILE)") }
        guard let sigma2 else { throw ValidationError("--sigma2: missing; give the variance in grid units squared, e.g. 4 or 65025/16") }
        let s2 = try parseSigma2(sigma2)
        let bits = self.bits ?? 64
        let sd = try parsedSeed()
        if sampler == .exact && noise == .roundedGaussian {
            throw ValidationError("--noise rounded-gaussian needs --sampler table (there is no exact rounded-Gaussian sampler)")
        }
        let factory: NoiseSamplerFactory
        do { factory = try NoiseSamplerFactory(family: noise, sigma2: s2, kind: sampler, impl: impl, bits: bits) } catch {
            // The fast sampler's domain message names the value but not the option.
            if case .outsideFastDomain = error {
                throw ValidationError("--sigma2 \(sigma2) with --impl fast: \(error)")
            }
            throw ValidationError("\(error)")
        }
        let id = StreamID(example: example, phase: phase, index: stream)
        let (samples, words) = factory.samples(seed: sd, id: id, count: count)
        return Output(noise: noise.rawValue, sigma2: s2.description, sampler: sampler.rawValue, impl: impl.rawValue,
                      bits: sampler == .table ? bits : nil, seed: sd.hex, stream: id,
                      samples: samples, wordsAfterEach: words, wordsConsumed: words.last ?? 0, tableFile: nil)
    }

    func parsedSeed() throws -> Seed {
        do { return try Seed(hex: seed) } catch { throw ValidationError("--seed: \(error)") }
    }

    /// --table FILE: validate the file, check it against any --noise/--sigma2/--bits given, and sample
    /// it with the fast table sampler (or the reference one with --impl reference).
    func outputFromTableFile(_ path: String) throws -> Output {
        guard sampler == .table else {
            throw ValidationError("--table \(path): needs --sampler table (the exact sampler has no table)")
        }
        let (t, s2) = try NoiseTableFile.load(path)
        if let noise, noise != t.family {
            throw ValidationError("--noise \(noise.rawValue) does not match field family \"\(t.family.rawValue)\" of --table \(path)")
        }
        if let sigma2 {
            let given = try parseSigma2(sigma2)
            guard given == s2 else {
                throw ValidationError("--sigma2 \(sigma2) does not match field sigma2 \"\(t.sigma2)\" of --table \(path)")
            }
        }
        if let b = bits, b != t.bits {
            throw ValidationError("--bits \(b) does not match field bits \(t.bits) of --table \(path)")
        }
        let sd = try parsedSeed()
        let id = StreamID(example: example, phase: phase, index: stream)
        var s = ChaChaStream(seed: sd, id: id)
        var samples: [Int] = [], words: [UInt64] = []
        samples.reserveCapacity(count); words.reserveCapacity(count)
        switch impl {
        case .fast:
            let fast: FastTableSampler
            do { fast = try FastTableSampler(table: t) } catch { throw ValidationError("--table \(path): \(error)") }
            for _ in 0..<count { samples.append(Int(fast.sample(&s))); words.append(s.wordsConsumed) }
        case .reference:
            let law: TableLaw
            do { law = try TableLaw(table: t) } catch { throw ValidationError("--table \(path): \(error)") }
            let ref = ReferenceTableSampler(law: law)
            for _ in 0..<count { samples.append(ref.sample(&s)); words.append(s.wordsConsumed) }
        }
        return Output(noise: t.family.rawValue, sigma2: s2.description, sampler: sampler.rawValue, impl: impl.rawValue,
                      bits: t.bits, seed: sd.hex, stream: id,
                      samples: samples, wordsAfterEach: words, wordsConsumed: words.last ?? 0, tableFile: path)
    }
}
