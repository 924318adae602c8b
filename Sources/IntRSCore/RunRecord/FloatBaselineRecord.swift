import Foundation

/// One line of a run's float-baseline JSON Lines file (`certify-float.jsonl`): Cohen et al.'s CERTIFY in doubles
/// with continuous Gaussian noise on one example, as `intrs certify` ran it beside the integer pipeline.
/// Documented in Vectors/run-record-format.md ("Float-baseline records"). NOT a certificate: floating point
/// throughout, kept so that sharded runs can be merged into exactly the outputs of a single run.
///
/// Doubles are written with the shortest decimal that reads back as the same double, so a record read and
/// written again is byte-identical (tested). Byte identity across shards: every field except `time` is a
/// function of (model, data, configuration, seed, example index) and of this build's libm (log, cos, sin,
/// exp, erfc, lgamma may differ in the last ulp on another platform).
public struct FloatBaselineRecord: Codable, Sendable, Equatable {
    public static let formatName = "intrs-float-baseline-record"
    /// Version 2 added `streamSpec`; version 1 records (no such field) are still read.
    public static let currentVersion = 2
    /// The versions this build reads: 1 (no `streamSpec`) and 2.
    public static let readableVersions = 1...2

    /// Always "intrs-float-baseline-record".
    public var format: String = FloatBaselineRecord.formatName
    /// 2 for records this build writes; 1 for older records (no `streamSpec`).
    public var version: Int = FloatBaselineRecord.currentVersion
    /// The version of Vectors/stream-spec.md whose ChaCha20 streams produced the baseline's noise (its
    /// Gaussian draws take whole stream words). Required in version 2, absent in version 1.
    public var streamSpec: Int?
    /// The example's index in the full data set.
    public var index: Int
    public var label: Int
    /// The answer, or -1 on abstain (pALower < 1/2).
    public var prediction: Int
    public var abstain: Bool
    /// prediction == label (false on abstain).
    public var correct: Bool
    /// The class selected by the N0 selection samples (argmax, lowest index on ties).
    public var candidate: Int
    /// Vote counts of the N estimation samples (phase 1) and of the N0 selection samples (phase 0).
    public var counts: [Int]
    public var selectionCounts: [Int]
    /// counts[candidate].
    public var nA: Int
    public var n: Int
    public var n0: Int
    /// The run's alpha, exact ("1/1000"); the baseline used its nearest double.
    public var alpha: String
    /// Clopper–Pearson lower bound in doubles (`FloatBaselineMath.clopperPearsonLower`).
    public var pALower: Double
    /// sigma * PhiInv(pALower) in grid units, absent on abstain.
    public var radius: Double?
    /// The noise standard deviation, grid units (sqrt(sigma2) in doubles).
    public var sigma: Double
    /// Real units per grid step, exact ("1/16").
    public var gridScale: String
    /// The ChaCha20 key, 64 hex digits (the same stream ids as the integer run: phases 0 and 1).
    public var seed: String
    public var modelSHA256: String
    public var dataSHA256: String
    /// Wall-clock seconds for this example's float baseline (0 with --no-time).
    public var time: Double

    public init(index: Int, label: Int, prediction: Int, abstain: Bool, correct: Bool, candidate: Int,
                counts: [Int], selectionCounts: [Int], nA: Int, n: Int, n0: Int, alpha: String, pALower: Double,
                radius: Double?, sigma: Double, gridScale: String, seed: String, modelSHA256: String,
                dataSHA256: String, time: Double, streamSpec: Int? = StreamSpecification.version) {
        self.index = index; self.label = label; self.prediction = prediction; self.abstain = abstain
        self.correct = correct; self.candidate = candidate; self.counts = counts
        self.selectionCounts = selectionCounts; self.nA = nA; self.n = n; self.n0 = n0; self.alpha = alpha
        self.pALower = pALower; self.radius = radius; self.sigma = sigma; self.gridScale = gridScale
        self.seed = seed; self.modelSHA256 = modelSHA256; self.dataSHA256 = dataSHA256; self.time = time
        self.streamSpec = streamSpec
    }

    /// The record as one JSON line (no trailing newline).
    public func jsonLine() throws -> String { try CanonicalJSON.line(self) }
}
