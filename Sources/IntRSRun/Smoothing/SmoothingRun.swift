import Foundation
import IntRSCore
import IntRSExact
import IntRSFloatBaseline
import IntRSReference
import IntRSRuntime

/// One example of a data set: its index in the full data set, its label and its grid values.
public struct RunExample: Sendable {
    public var index: Int
    public var label: Int
    public var grid: [Int32]
    public init(index: Int, label: Int, grid: [Int32]) { self.index = index; self.label = label; self.grid = grid }
}

/// The constant part of every record of a run (configuration, provenance).
package struct RunConstants: Sendable {
    package var alpha: Rational
    /// The run's noise (family, sigma2 in grid units squared, sampler and its bits).
    package var noise: NoiseConfiguration
    /// CERTIFY's radius mode (PREDICT records "none").
    package var radiusMode: RadiusMode
    package var seedHex: String
    package var modelSHA256: String
    package var dataSHA256: String
    /// Real units per grid step.
    package var gridScale: Rational
    /// Per-coordinate total-variation bound of the sampler against the analysed law.
    package var tvBound: Rational
}

/// The float32 baseline's parts.
package struct FloatBaselineSetup: Sendable {
    package var classifier: AnyFloatBatchClassifier
    package var noise: AnyFloatNoiseSource
    /// sigma in grid units (sqrt(sigma2) in doubles; the baseline is floating point by design).
    package var sigma: Double
}

/// The float baseline's result for one example (Cohen's procedure in doubles).
package struct FloatBaselineResult: Sendable {
    package var index: Int
    package var label: Int
    package var outcome: FloatCertifyOutcome
    package var time: Double
    package var correct: Bool { outcome.prediction == label }
}

/// Everything a CERTIFY or PREDICT run needs. Built from real parts by the commands and from stand-ins by tests.
package struct SmoothingRunSetup: Sendable {
    package var classifier: AnyBatchClassifier
    package var noise: AnyGridNoiseSource
    /// CERTIFY's integer certificate (a table built for this configuration and N).
    package var certificate: (any CertificateLookup)?
    /// PREDICT's integer abstain rule.
    package var predictionTest: (any PredictionTest)?
    /// The exact one-sided Clopper–Pearson lower bound (nA, N) -> pA_lower (reference), for the record.
    package var clopperPearsonLower: @Sendable (Int, Int) throws -> Rational
    package var constants: RunConstants
    package var n0: Int
    package var n: Int
    package var threads: Int
    /// Record time as 0 (for byte-identical files across runs).
    package var recordTime: Bool = true
    package var floatBaseline: FloatBaselineSetup?
    /// Sharded runs: written into every record (`RunRecord.shard`); nil for an unsharded run.
    package var shard: RunShard?
}

extension SmoothingRunSetup {
    /// The run-wide fields of this run's records (N0 and the radius mode for CERTIFY; PREDICT records no N0
    /// and radius mode "none").
    package func recordConfiguration(_ procedure: RunProcedure, dimension d: Int) -> RunRecordConfiguration {
        let c = constants, certify = procedure == .certify
        return RunRecordConfiguration(n: n, n0: certify ? n0 : nil, alpha: c.alpha.description,
                                      tvBoundPerCoordinate: c.tvBound.description, dimension: d,
                                      gridScale: c.gridScale.description, radiusMode: certify ? c.radiusMode.rawValue : RadiusMode.recordedNone,
                                      noise: c.noise.family.rawValue, sigma2: c.noise.sigma2.description,
                                      sampler: c.noise.sampler.rawValue, tableBits: c.noise.tableBits, seed: c.seedHex,
                                      modelSHA256: c.modelSHA256, dataSHA256: c.dataSHA256)
    }
}

package enum SmoothingRun {
    package static func seconds(since t0: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9
    }

    /// CERTIFY every example; one record per example, in the order given.
    package static func certify(_ s: SmoothingRunSetup, examples: [RunExample],
                        progress: (String) -> Void) throws -> [RunRecord] {
        guard let certificate = s.certificate else { throw RunError("internal: no certificate table for certify") }
        let smoothing = FastSmoothing(classifier: s.classifier, noise: s.noise, threads: s.threads)
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
            var r = RunRecord(procedure: RunProcedure.certify.rawValue, index: ex.index, label: ex.label, prediction: o.prediction,
                              candidate: o.candidate, counts: o.estimationCounts, nA: o.nA, run: s.recordConfiguration(.certify, dimension: d),
                              streams: [StreamRange(example: UInt32(ex.index), phase: SmoothingPhase.selection.rawValue, first: 0, count: s.n0),
                                        StreamRange(example: UInt32(ex.index), phase: SmoothingPhase.estimation.rawValue, first: 0, count: s.n)],
                              time: s.recordTime ? time : 0)
            r.selectionCounts = o.selectionCounts
            r.pALower = lower.description
            r.pALowerDecimal = lower.decimalString(digits: 12)
            r.pAEffective = effective.description
            r.certifiedNorm2 = norm2
            r.radius = radius
            r.radiusReal = radius * s.constants.gridScale.doubleApproximation
            records.append(r)
            progress(progressLine("certify", done: i + 1, of: examples.count, elapsed: seconds(since: start),
                                  correctCertified: records.filter { $0.correct }.count))
        }
        return tagged(records, s.shard)
    }

    /// PREDICT every example.
    package static func predict(_ s: SmoothingRunSetup, examples: [RunExample],
                        progress: (String) -> Void) throws -> [RunRecord] {
        guard let test = s.predictionTest else { throw RunError("internal: no prediction test for predict") }
        let smoothing = FastSmoothing(classifier: s.classifier, noise: s.noise, threads: s.threads)
        let d = s.classifier.inputCount
        var records: [RunRecord] = []
        let start = DispatchTime.now()
        for (i, ex) in examples.enumerated() {
            let t0 = DispatchTime.now()
            let o = smoothing.predict(input: ex.grid, example: UInt32(ex.index), n: s.n, test: test)
            let time = seconds(since: t0)
            var r = RunRecord(procedure: RunProcedure.predict.rawValue, index: ex.index, label: ex.label, prediction: o.prediction,
                              candidate: o.top, counts: o.counts, nA: o.nA, run: s.recordConfiguration(.predict, dimension: d),
                              streams: [StreamRange(example: UInt32(ex.index), phase: SmoothingPhase.prediction.rawValue, first: 0, count: s.n)],
                              time: s.recordTime ? time : 0)
            r.nB = o.nB
            records.append(r)
            progress(progressLine("predict", done: i + 1, of: examples.count, elapsed: seconds(since: start),
                                  correctCertified: records.filter { $0.correct }.count))
        }
        return tagged(records, s.shard)
    }

    /// The float32 baseline (Cohen's CERTIFY in doubles) on the same examples and stream ids.
    package static func floatBaseline(_ s: SmoothingRunSetup, _ f: FloatBaselineSetup, examples: [RunExample],
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
    package static func tagged(_ records: [RunRecord], _ shard: RunShard?) -> [RunRecord] {
        guard let shard else { return records }
        return records.map { var r = $0; r.shard = shard; return r }
    }

    package static func progressLine(_ what: String, done: Int, of total: Int, elapsed: Double, correctCertified: Int) -> String {
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        return String(format: "%@: %d/%d examples, %d correct so far, %.1f s elapsed, about %.0f s left",
                      what, done, total, correctCertified, elapsed, eta)
    }
}

/// An error for people: the message names the file, field (or option) and value. `isUsage`: the configuration
/// itself is wrong (a value out of range, options that do not go together); `intrs` reports those as usage
/// errors (exit status 64), the others with exit status 1.
public struct RunError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public var isUsage: Bool
    public init(_ d: String) { description = d; isUsage = false }
    public init(usage d: String) { description = d; isUsage = true }
}
