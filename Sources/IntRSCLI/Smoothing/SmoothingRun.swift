import Foundation
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSFloatBaseline
import IntRSRuntime

/// One example of a data set: its index in the full data set, its label and its grid values.
struct RunExample: Sendable {
    var index: Int
    var label: Int
    var grid: [Int32]
}

/// The constant part of every record of a run (configuration, provenance).
struct RunConstants: Sendable {
    var alpha: Rational
    var noise: String
    var sigma2: Rational
    var sampler: String
    var tableBits: Int?
    var radiusMode: String
    var seedHex: String
    var modelSHA256: String
    var dataSHA256: String
    /// Real units per grid step.
    var gridScale: Rational
    /// Per-coordinate total-variation bound of the sampler against the analysed law.
    var tvBound: Rational
}

/// The float32 baseline's parts.
struct FloatBaselineSetup: Sendable {
    var classifier: AnyFloatBatchClassifier
    var noise: AnyFloatNoiseSource
    /// sigma in grid units (sqrt(sigma2) in doubles; the baseline is floating point by design).
    var sigma: Double
}

/// The float baseline's result for one example (Cohen's procedure in doubles).
struct FloatBaselineResult: Sendable {
    var index: Int
    var label: Int
    var outcome: FloatCertifyOutcome
    var time: Double
    var correct: Bool { outcome.prediction == label }
}

/// Everything a CERTIFY or PREDICT run needs. Built from real parts by the commands and from stand-ins by tests.
struct SmoothingRunSetup: Sendable {
    var classifier: AnyBatchClassifier
    var noise: AnyGridNoiseSource
    /// CERTIFY's integer certificate (a table built for this configuration and N).
    var certificate: (any CertificateLookup)?
    /// PREDICT's integer abstain rule.
    var predictionTest: (any PredictionTest)?
    /// The exact one-sided Clopper–Pearson lower bound (nA, N) -> pA_lower (reference), for the record.
    var clopperPearsonLower: @Sendable (Int, Int) throws -> Rational
    var constants: RunConstants
    var n0: Int
    var n: Int
    var threads: Int
    /// Record time as 0 (for byte-identical files across runs).
    var recordTime: Bool = true
    var floatBaseline: FloatBaselineSetup?
    /// Sharded runs: written into every record (`RunRecord.shard`); nil for an unsharded run.
    var shard: RunShard?
}

enum SmoothingRun {
    static func seconds(since t0: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9
    }

    /// CERTIFY every example; one record per example, in the order given.
    static func certify(_ s: SmoothingRunSetup, examples: [RunExample],
                        progress: (String) -> Void) throws -> [RunRecord] {
        guard let certificate = s.certificate else { throw CLIError("internal: no certificate table for certify") }
        let smoothing = Smoothing(classifier: s.classifier, noise: s.noise, threads: s.threads)
        let d = s.classifier.inputCount
        var cpCache: [Int: Rational] = [:]
        var records: [RunRecord] = []
        let start = DispatchTime.now()
        for (i, ex) in examples.enumerated() {
            let t0 = DispatchTime.now()
            let o = smoothing.certify(input: ex.grid, example: UInt32(ex.index), n0: s.n0, n: s.n, certificate: certificate)
            let time = seconds(since: t0)
            let lower: Rational
            if let c = cpCache[o.nA] { lower = c } else { lower = try s.clopperPearsonLower(o.nA, s.n); cpCache[o.nA] = lower }
            let effective = ReferenceSmoothing.effective(lower: lower, dimension: d, tvBound: s.constants.tvBound)
            let norm2 = o.certifiedNorm2Bound ?? 0
            let radius = Double(norm2).squareRoot()
            records.append(RunRecord(
                procedure: "certify", index: ex.index, label: ex.label, prediction: o.prediction ?? -1,
                abstain: o.prediction == nil, correct: o.prediction == ex.label, candidate: o.candidate,
                counts: o.estimationCounts, selectionCounts: o.selectionCounts, nA: o.nA, nB: nil, n: s.n, n0: s.n0,
                alpha: s.constants.alpha.description, pALower: lower.description,
                pALowerDecimal: lower.decimalString(digits: 12), tvBoundPerCoordinate: s.constants.tvBound.description,
                dimension: d, pAEffective: effective.description, certifiedNorm2: norm2, radius: radius,
                radiusReal: radius * s.constants.gridScale.doubleApproximation, gridScale: s.constants.gridScale.description,
                radiusMode: s.constants.radiusMode, noise: s.constants.noise, sigma2: s.constants.sigma2.description,
                sampler: s.constants.sampler, tableBits: s.constants.tableBits, seed: s.constants.seedHex,
                streams: [StreamRange(example: UInt32(ex.index), phase: SmoothingPhase.selection.rawValue, first: 0, count: s.n0),
                          StreamRange(example: UInt32(ex.index), phase: SmoothingPhase.estimation.rawValue, first: 0, count: s.n)],
                modelSHA256: s.constants.modelSHA256, dataSHA256: s.constants.dataSHA256,
                time: s.recordTime ? time : 0))
            progress(progressLine("certify", done: i + 1, of: examples.count, elapsed: seconds(since: start),
                                  correctCertified: records.filter { $0.correct }.count))
        }
        return tagged(records, s.shard)
    }

    /// PREDICT every example.
    static func predict(_ s: SmoothingRunSetup, examples: [RunExample],
                        progress: (String) -> Void) throws -> [RunRecord] {
        guard let test = s.predictionTest else { throw CLIError("internal: no prediction test for predict") }
        let smoothing = Smoothing(classifier: s.classifier, noise: s.noise, threads: s.threads)
        let d = s.classifier.inputCount
        var records: [RunRecord] = []
        let start = DispatchTime.now()
        for (i, ex) in examples.enumerated() {
            let t0 = DispatchTime.now()
            let o = smoothing.predict(input: ex.grid, example: UInt32(ex.index), n: s.n, test: test)
            let time = seconds(since: t0)
            records.append(RunRecord(
                procedure: "predict", index: ex.index, label: ex.label, prediction: o.prediction ?? -1,
                abstain: o.prediction == nil, correct: o.prediction == ex.label, candidate: o.top,
                counts: o.counts, selectionCounts: nil, nA: o.nA, nB: o.nB, n: s.n, n0: nil,
                alpha: s.constants.alpha.description, pALower: nil, pALowerDecimal: nil,
                tvBoundPerCoordinate: s.constants.tvBound.description, dimension: d, pAEffective: nil,
                certifiedNorm2: 0, radius: 0, radiusReal: 0, gridScale: s.constants.gridScale.description,
                radiusMode: "none", noise: s.constants.noise, sigma2: s.constants.sigma2.description,
                sampler: s.constants.sampler, tableBits: s.constants.tableBits, seed: s.constants.seedHex,
                streams: [StreamRange(example: UInt32(ex.index), phase: SmoothingPhase.prediction.rawValue, first: 0, count: s.n)],
                modelSHA256: s.constants.modelSHA256, dataSHA256: s.constants.dataSHA256,
                time: s.recordTime ? time : 0))
            progress(progressLine("predict", done: i + 1, of: examples.count, elapsed: seconds(since: start),
                                  correctCertified: records.filter { $0.correct }.count))
        }
        return tagged(records, s.shard)
    }

    /// The float32 baseline (Cohen's CERTIFY in doubles) on the same examples and stream ids.
    static func floatBaseline(_ s: SmoothingRunSetup, _ f: FloatBaselineSetup, examples: [RunExample],
                              progress: (String) -> Void) -> [FloatBaselineResult] {
        let smoothing = FloatSmoothing(classifier: f.classifier, noise: f.noise, threads: s.threads)
        let alpha = s.constants.alpha.doubleApproximation
        var out: [FloatBaselineResult] = []
        let start = DispatchTime.now()
        for (i, ex) in examples.enumerated() {
            let t0 = DispatchTime.now()
            let o = smoothing.certify(input: ex.grid.map { Float($0) }, example: UInt32(ex.index), n0: s.n0, n: s.n,
                                      alpha: alpha, sigma: f.sigma)
            out.append(FloatBaselineResult(index: ex.index, label: ex.label, outcome: o, time: seconds(since: t0)))
            progress(progressLine("float baseline", done: i + 1, of: examples.count, elapsed: seconds(since: start),
                                  correctCertified: out.filter { $0.correct }.count))
        }
        return out
    }

    /// The records with the run's shard recorded (unchanged when unsharded).
    static func tagged(_ records: [RunRecord], _ shard: RunShard?) -> [RunRecord] {
        guard let shard else { return records }
        return records.map { var r = $0; r.shard = shard; return r }
    }

    static func progressLine(_ what: String, done: Int, of total: Int, elapsed: Double, correctCertified: Int) -> String {
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        return String(format: "%@: %d/%d examples, %d correct so far, %.1f s elapsed, about %.0f s left",
                      what, done, total, correctCertified, elapsed, eta)
    }
}

/// A command-line error with a message for people (nonzero exit).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

