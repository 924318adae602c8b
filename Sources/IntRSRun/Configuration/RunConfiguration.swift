import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

/// CERTIFY (a certified radius per example) or PREDICT (an answer or an abstention per example).
public enum RunProcedure: String, Sendable, Codable, CaseIterable {
    case certify, predict
}

/// The noise level as given by a person: sigma2 in grid units squared, or sigma in real units (the data set's
/// units, e.g. [0, 1] pixel units), converted exactly with the data set's grid scale: sigma2 = (sigma / gridScale)^2.
public enum NoiseLevel: Sendable, Equatable {
    case sigma2(Rational)
    case sigma(Rational)

    /// sigma2 in grid units squared for a data set of grid scale `gridScale` (real units per grid step, > 0).
    public func sigma2(gridScale: Rational) -> Rational {
        switch self {
        case .sigma2(let s2): return s2
        case .sigma(let s): let g = s / gridScale; return g * g
        }
    }
}

/// "Shard i of n": the examples whose position in the selection is i mod n.
public struct Shard: Equatable, Sendable {
    public var index: Int
    public var count: Int
    public init(index: Int, count: Int) { self.index = index; self.count = count }
    /// Parses "i/n" (0 <= i < n); the error names `--shard` and the text.
    public static func parse(_ s: String) throws -> Shard {
        let p = s.split(separator: "/")
        guard p.count == 2, let i = Int(p[0]), let n = Int(p[1]), n >= 1, i >= 0, i < n else {
            throw RunError(usage: "--shard \"\(s)\": expected i/n with integers 0 <= i < n, e.g. 0/4")
        }
        return Shard(index: i, count: n)
    }
    /// The output files' suffix: ".shard-i-of-n".
    public var suffix: String { ".shard-\(index)-of-\(count)" }
    /// "i/n".
    public var text: String { "\(index)/\(count)" }
}

/// Which examples of a data set a run processes: every `every`-th by index (0, every, 2 every, ...), then at
/// most `limit` of those, then (sharded runs) the shard's share of that selection.
public struct ExampleSelection: Sendable, Equatable {
    /// >= 1. The default, 20, makes the default run finish in about 2 minutes on 2 cores (Benchmarks/README.md).
    public var every: Int
    /// >= 1, counted after `every`; nil: no limit.
    public var limit: Int?
    public var shard: Shard?

    public static let defaultEvery = 1

    public init(every: Int = ExampleSelection.defaultEvery, limit: Int? = nil, shard: Shard? = nil) {
        self.every = every; self.limit = limit; self.shard = shard
    }

    /// The examples of `all` selected by `every` and `limit` (all shards together), in index order.
    public func unsharded(_ all: [RunExample]) -> [RunExample] {
        var chosen = all.filter { $0.index % every == 0 }
        if let l = limit { chosen = Array(chosen.prefix(l)) }
        return chosen
    }

    /// The examples this run (or shard) processes, in index order.
    public func select(_ all: [RunExample]) -> [RunExample] {
        let chosen = unsharded(all)
        guard let s = shard else { return chosen }
        return chosen.enumerated().filter { $0.offset % s.count == s.index }.map { $0.element }
    }

    /// The `shard` field of the records of a sharded run over `all` (nil when unsharded).
    public func recordedShard(of all: [RunExample]) -> RunShard? {
        shard.map { RunShard(index: $0.index, count: $0.count, every: every, selected: unsharded(all).count) }
    }
}

/// Everything a CERTIFY or PREDICT run over a data set is, as typed values. The defaults are `intrs certify`'s
/// (the README's "Default run"): discrete-gaussian noise, sigma2 = 16 grid units squared, the 64-bit table
/// sampler, N0 = 100, N = 100,000, alpha = 0.001, the binary radius mode, the fixed documented seed, every
/// example of the data set (the whole test set), the float baseline included.
///
/// Units: sigma2 and radii in grid units (one step of the data set's integer grid); real units = grid units x
/// the data set's gridScale. Contracts (``check()``): n0 and n in 1 ... 2^31 (stream indices are 32-bit),
/// alpha in (0, 1), threads >= 1, the radius mode sound for the noise family, the exact sampler for the
/// discrete Gaussian only.
public struct RunConfiguration: Sendable {
    public var procedure: RunProcedure
    /// An intrs-int8-model JSON or a .tflite file.
    public var modelPath: String
    /// An intrs-grid-dataset JSON file.
    public var dataPath: String
    public var noise: NoiseFamily = .discreteGaussian
    public var level: NoiseLevel = .sigma2(Rational(16))
    public var sampler: SamplerKind = .table
    /// Table threshold bits (a multiple of 32); used only by the table sampler.
    public var tableBits: Int = 64
    /// CERTIFY's selection samples (unused by PREDICT).
    public var n0: Int = 100
    /// CERTIFY's estimation samples, or PREDICT's samples.
    public var n: Int = 100_000
    public var alpha: Rational = Rational(1, 1000)
    /// CERTIFY's radius mode (PREDICT certifies no radius and records "none").
    public var radiusMode: RadiusMode = .binary
    /// Worker threads; results do not depend on it.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// The ChaCha20 key of every noise stream.
    public var seed: Seed = RunConfiguration.defaultSeed
    /// The seed was drawn at random: the run says so in its progress (the records hold it, as always).
    public var seedWasDrawn: Bool = false
    public var selection = ExampleSelection()
    /// CERTIFY: also run the float32 baseline (Cohen's procedure in doubles with continuous Gaussian noise).
    public var floatBaseline: Bool = true
    /// false: every record's time is 0 (byte-identical outputs across runs).
    public var recordTime: Bool = true
    /// A prebuilt certificate table for exactly this configuration (else: the caches, else built).
    public var certificateTable: String? = nil
    /// Build the certificate table afresh even when a cached one exists.
    public var rebuildTable: Bool = false
    /// Where tables built afresh are cached (and looked up), e.g. <output-dir>/tables.
    public var tableCache: URL? = nil
    /// A directory of shipped tables looked up first (the `intrs` binary's certificate-tables/ resource).
    public var shippedTables: URL? = nil

    /// The fixed default seed: the ASCII bytes of "intrs-default-seed-v1" followed by zero bytes (32 bytes).
    public static let defaultSeedHex = "696e7472732d64656661756c742d736565642d76310000000000000000000000"
    public static let defaultSeed = try! Seed(hex: defaultSeedHex)

    public init(procedure: RunProcedure, modelPath: String, dataPath: String) {
        self.procedure = procedure; self.modelPath = modelPath; self.dataPath = dataPath
    }

    /// The noise of the run on a data set of grid scale `gridScale`.
    public func noiseConfiguration(gridScale: Rational) -> NoiseConfiguration {
        NoiseConfiguration(family: noise, sigma2: level.sigma2(gridScale: gridScale), sampler: sampler, tableBits: tableBits)
    }

    /// The radius mode recorded in the records ("none" for PREDICT).
    public var recordedRadiusMode: String { procedure == .certify ? radiusMode.rawValue : RadiusMode.recordedNone }
}
