import Foundation

/// One line of a run's JSON Lines file: the complete, re-checkable account of CERTIFY or PREDICT on one
/// example. Documented field by field in Vectors/run-record-format.md. Written with
/// `CanonicalJSON.line` (sorted keys, one line); exact numbers are strings ("p/q").
///
/// Byte identity: everything except `time` is a pure function of (model, data, configuration, seed,
/// example index), so a sharded run and a single run give byte-identical lines once `time` is removed
/// (`RunRecord.withoutTime`). `time` is wall-clock seconds for this example and varies run to run.
public struct RunRecord: Codable, Sendable, Equatable {
    public static let formatName = "intrs-run-record"
    /// Version 2 added `streamSpec`; version 1 records (no such field) are still read (Vectors/run-record-format.md).
    public static let currentVersion = 2
    /// The versions this build reads: 1 (no `streamSpec`: the stream specification is unknown) and 2.
    public static let readableVersions = 1...2

    /// Always "intrs-run-record".
    public var format: String = RunRecord.formatName
    /// 2 for records this build writes; 1 for older records (no `streamSpec`).
    public var version: Int = RunRecord.currentVersion
    /// The version of Vectors/stream-spec.md (``StreamSpecification/version``) whose streams and draws produced
    /// this record's noise: with (seed, streams, noise, sigma2, sampler, tableBits) it says how to reproduce the
    /// counts. Required in version 2; absent in version 1 records (written by builds that drew with stream
    /// spec 1 or, briefly, 2: unknown). The certificate is a function of the counts and does not depend on it.
    public var streamSpec: Int?
    /// "certify" or "predict".
    public var procedure: String
    /// The example's index in the full data set (not its position in a shard); also the stream ids' first word.
    public var index: Int
    public var label: Int
    /// The answer, or -1 on abstain (Cohen's convention).
    public var prediction: Int
    public var abstain: Bool
    /// prediction == label (false on abstain).
    public var correct: Bool
    /// CERTIFY: the class selected by the N0 samples (before the certificate decides); PREDICT: the top class.
    public var candidate: Int
    /// Vote counts per class: CERTIFY's N estimation samples, or PREDICT's N samples.
    public var counts: [Int]
    /// CERTIFY only: vote counts of the N0 selection samples.
    public var selectionCounts: [Int]?
    /// counts[candidate].
    public var nA: Int
    /// PREDICT only: the runner-up's count (the binomial test is of nA successes in nA + nB trials).
    public var nB: Int?
    /// N: estimation (CERTIFY) or prediction (PREDICT) samples.
    public var n: Int
    /// CERTIFY only: N0, the selection samples.
    public var n0: Int?
    /// The confidence parameter, exact ("1/1000").
    public var alpha: String
    /// CERTIFY only: the one-sided (1 - alpha) Clopper–Pearson lower bound on pA from (nA, N), exact dyadic "p/q"
    /// (rounded down, within 2^-64 of the true bound), and a decimal rendering.
    public var pALower: String?
    public var pALowerDecimal: String?
    /// Rigorous upper bound on the total-variation distance between the sampler's per-coordinate law and the
    /// analysed noise law ("0" for an exact sampler).
    public var tvBoundPerCoordinate: String
    /// d, the number of noisy coordinates per input.
    public var dimension: Int
    /// CERTIFY only: pALower - d * tvBoundPerCoordinate, the probability the certificate is computed from.
    public var pAEffective: String?
    /// CERTIFY: n*, the certificate reads "robust for every integer delta with |delta|^2 < n*" (grid units
    /// squared); 1 certifies the prediction at delta = 0 only; 0 on abstain. PREDICT: 0.
    public var certifiedNorm2: Int
    /// sqrt(certifiedNorm2) in grid units (display; the exact statement is certifiedNorm2). 0 on abstain.
    public var radius: Double
    /// radius * gridScale: real units (for the digits, [0, 1] pixel units).
    public var radiusReal: Double
    /// Real units per grid step, exact ("1/16").
    public var gridScale: String
    /// "binary" (closed-form binary), "tight" (exact Neyman–Pearson) or "two-class"; PREDICT: "none".
    public var radiusMode: String
    /// "discrete-gaussian" or "rounded-gaussian".
    public var noise: String
    /// Noise variance parameter in grid units squared, exact ("16").
    public var sigma2: String
    /// "exact" (CKS) or "table".
    public var sampler: String
    /// Table samplers: threshold bits.
    public var tableBits: Int?
    /// The 32-byte ChaCha20 key, 64 hex digits.
    public var seed: String
    /// The streams this example consumed: ChaCha20 nonce (example, phase, index) for index in first ..< first + count.
    public var streams: [StreamRange]
    /// SHA-256 of the model file's bytes and of the data file's bytes.
    public var modelSHA256: String
    public var dataSHA256: String
    /// Wall-clock seconds spent on this example (not part of the byte-identity of sharded runs).
    public var time: Double
    /// Sharded runs only: the shard that wrote this record and the run's selection (``RunShard``). Absent in
    /// unsharded runs and removed by `intrs merge`, so merged files equal an unsharded run's byte for byte.
    public var shard: RunShard?

    /// A record of one example of run `run`. `prediction`: the answer, nil on abstain (recorded -1, abstain
    /// true, correct false). The outcome-specific fields start empty (certifiedNorm2 0, radius 0, no selection
    /// counts, no nB, no pA bounds) and are set by the procedure that made the record (IntRSRun).
    public init(procedure: String, index: Int, label: Int, prediction: Int?, candidate: Int, counts: [Int], nA: Int,
                run: RunRecordConfiguration, streams: [StreamRange], time: Double,
                streamSpec: Int? = StreamSpecification.version) {
        self.procedure = procedure; self.index = index; self.label = label
        self.prediction = prediction ?? -1; self.abstain = prediction == nil; self.correct = prediction == label
        self.candidate = candidate; self.counts = counts; self.nA = nA
        self.n = run.n; self.n0 = run.n0; self.alpha = run.alpha
        self.tvBoundPerCoordinate = run.tvBoundPerCoordinate; self.dimension = run.dimension
        self.certifiedNorm2 = 0; self.radius = 0; self.radiusReal = 0; self.gridScale = run.gridScale
        self.radiusMode = run.radiusMode; self.noise = run.noise; self.sigma2 = run.sigma2; self.sampler = run.sampler
        self.tableBits = run.tableBits; self.seed = run.seed; self.streams = streams
        self.modelSHA256 = run.modelSHA256; self.dataSHA256 = run.dataSHA256; self.time = time; self.streamSpec = streamSpec
    }

    /// The record with `time` set to 0: the part that sharded and single runs must reproduce byte for byte.
    public var withoutTime: RunRecord { var r = self; r.time = 0; return r }

    /// The record without its `shard` field: the record an unsharded run writes.
    public var withoutShard: RunRecord { var r = self; r.shard = nil; return r }

    /// The record as one JSON line (no trailing newline).
    public func jsonLine() throws -> String { try CanonicalJSON.line(self) }
}

/// The fields every record of one run shares (its configuration and provenance), spelled as the records spell them.
public struct RunRecordConfiguration: Sendable, Equatable {
    /// N, and N0 (CERTIFY only).
    public var n: Int
    public var n0: Int?
    /// Exact rationals ("1/1000", "16", "1/16") and the sampler's per-coordinate total-variation bound.
    public var alpha: String
    public var tvBoundPerCoordinate: String
    public var dimension: Int
    public var gridScale: String
    /// "binary", "tight", "two-class"; "none" for PREDICT.
    public var radiusMode: String
    public var noise: String
    public var sigma2: String
    public var sampler: String
    public var tableBits: Int?
    /// 64 hex digits.
    public var seed: String
    public var modelSHA256: String
    public var dataSHA256: String

    public init(n: Int, n0: Int?, alpha: String, tvBoundPerCoordinate: String, dimension: Int, gridScale: String,
                radiusMode: String, noise: String, sigma2: String, sampler: String, tableBits: Int?, seed: String,
                modelSHA256: String, dataSHA256: String) {
        self.n = n; self.n0 = n0; self.alpha = alpha; self.tvBoundPerCoordinate = tvBoundPerCoordinate
        self.dimension = dimension; self.gridScale = gridScale; self.radiusMode = radiusMode; self.noise = noise
        self.sigma2 = sigma2; self.sampler = sampler; self.tableBits = tableBits; self.seed = seed
        self.modelSHA256 = modelSHA256; self.dataSHA256 = dataSHA256
    }
}

/// A contiguous range of stream ids (example, phase, first ..< first + count).
public struct StreamRange: Codable, Sendable, Equatable {
    public var example: UInt32
    public var phase: UInt32
    public var first: UInt32
    public var count: Int
    public init(example: UInt32, phase: UInt32, first: UInt32, count: Int) {
        self.example = example; self.phase = phase; self.first = first; self.count = count
    }
}
