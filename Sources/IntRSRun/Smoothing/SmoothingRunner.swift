import Foundation
import IntRSCore
import IntRSExact
import IntRSFloatBaseline
import IntRSReference
import IntRSRuntime

/// The machine-readable summary of a run (`--json`).
public struct RunSummary: Codable, Sendable {
    package var procedure: String
    package var examples: Int
    package var shard: String?
    package var model: String
    package var data: String
    package var noise: String
    package var sigma2: String
    package var sampler: String
    package var radiusMode: String
    package var n0: Int?
    package var n: Int
    package var alpha: String
    package var seed: String
    /// The version of Vectors/stream-spec.md the run's noise was drawn under (also in every record).
    package var streamSpec: Int = StreamSpecification.version
    package var threads: Int
    package var cleanAccuracyOfSmoothedAnswers: Double
    package var abstentions: Int
    package var table: [RunReports.Row]
    package var int8Seconds: Double
    package var floatSeconds: Double?
    package var floatOverInt8TimeRatio: Double?
    package var outputs: [String]
    package var notes: [String]
}

/// Where a run writes: `<directory>/<procedure>[.shard-i-of-n].jsonl`, `.tsv`, and for CERTIFY `.svg` and the
/// float baseline's `-float.jsonl` and `-float.tsv`; `jsonl` and `tsv` override the first two paths.
public struct RunOutputs: Sendable {
    public var directory: String
    public var jsonl: String?
    public var tsv: String?
    public init(directory: String = "intrs-out", jsonl: String? = nil, tsv: String? = nil) {
        self.directory = directory; self.jsonl = jsonl; self.tsv = tsv
    }
    /// The file name stem: "<procedure>[.shard-i-of-n]".
    public func base(_ procedure: RunProcedure, shard: Shard?) -> String { procedure.rawValue + (shard?.suffix ?? "") }
    public var directoryURL: URL { URL(fileURLWithPath: directory) }
    public func jsonlURL(_ procedure: RunProcedure, shard: Shard?) -> URL {
        jsonl.map { URL(fileURLWithPath: $0) } ?? directoryURL.appendingPathComponent(base(procedure, shard: shard) + ".jsonl")
    }
    public func tsvURL(_ procedure: RunProcedure, shard: Shard?) -> URL {
        tsv.map { URL(fileURLWithPath: $0) } ?? directoryURL.appendingPathComponent(base(procedure, shard: shard) + ".tsv")
    }
}

/// What a run computed, before anything is written: the records (one per selected example, in index order),
/// the float baseline's, and what the summary reports.
public struct RunResult: Sendable {
    public var configuration: RunConfiguration
    /// One intrs-run-record per example (Vectors/run-record-format.md).
    public var records: [RunRecord]
    /// CERTIFY with the float baseline: Cohen's procedure in doubles on the same examples and streams.
    public var floatRecords: [FloatBaselineRecord]?
    package var floatResults: [FloatBaselineResult]?
    /// The examples in the data set (all of them, before the selection).
    public var datasetExamples: Int
    /// Real units per grid step, and the run's noise on this data set.
    public var gridScale: Rational
    public var noise: NoiseConfiguration
    /// Wall-clock seconds of the int8 run and of the float baseline.
    public var int8Seconds: Double
    public var floatSeconds: Double?
    /// Notes for people (the sampler's total-variation charge, ...).
    public var notes: [String]
}

/// `intrs certify` and `intrs predict` as library calls: ``execute(_:progress:warn:)`` computes, ``write(_:to:warn:)``
/// writes the outputs all or none, ``run(_:outputs:inputs:log:warn:)`` does both with the command's checks and summary.
/// The library writes nothing to stderr: progress lines go to `progress`/`log`, ``RunWarning``s to `warn`.
public enum SmoothingRunner {
    /// Runs CERTIFY or PREDICT over the selected examples of the data set and returns the records; writes no
    /// output file (a certificate table built afresh is cached under `tableCache`). CERTIFY's certificates are
    /// re-derived by the exact reference before they are returned (``selfAudit(_:radiusMode:log:)``).
    /// `progress`: one line per example and per table-building step, for people. `warn`: the run's
    /// ``RunWarning``s (no float baseline, a cached table replaced); nil sends their ``RunWarning/line`` to `progress`.
    /// Throws ``RunError`` naming the file, field and value of bad input.
    public static func execute(_ c: RunConfiguration, progress: (String) -> Void,
                               warn: ((RunWarning) -> Void)? = nil) throws -> RunResult {
        func warning(_ w: RunWarning) { if let warn { warn(w) } else { progress(w.line) } }
        // An empty shard is not an error (more shards than examples): it writes empty outputs for `intrs merge`.
        let checkSelection: ([RunExample]) throws -> Void = { all in
            if c.selection.unsharded(all).isEmpty {
                throw RunError(usage: "no examples selected (check --every, --limit; the data set has \(all.count) examples)")
            }
        }
        let parts = try SmoothingParts.resolve(c, checkSelection: checkSelection, log: progress, warn: warning)
        let shard = c.selection.shard
        let examples = c.selection.select(parts.examples)
        if examples.isEmpty { progress("shard \(shard?.text ?? ""): no examples fall in this shard; writing empty outputs") }
        if c.seedWasDrawn { progress("seed (random, recorded in every line): \(c.seed.hex)") }
        let procedure = c.procedure
        progress("\(procedure.rawValue): \(examples.count) examples of \(parts.examples.count) (every \(ordinal(c.selection.every)) by index\(c.selection.limit.map { ", at most \($0)" } ?? "")\(shard.map { ", shard \($0.text)" } ?? "")), \(procedure == .certify ? "N0 = \(c.n0), " : "")N = \(c.n), alpha = \(c.alpha), noise = \(c.noise.rawValue), sigma2 = \(parts.sigma2) grid units^2, sampler = \(c.sampler.rawValue), stream spec = \(StreamSpecification.version) (Vectors/stream-spec.md), \(procedure == .certify ? "radius mode = \(c.radiusMode.rawValue), " : "")threads = \(c.threads)")

        var setup = SmoothingRunSetup(
            classifier: parts.classifier, noise: parts.noise, certificate: parts.certificate,
            predictionTest: ReferencePredictionTest(alpha: c.alpha), clopperPearsonLower: parts.clopperPearsonLower,
            constants: RunConstants(alpha: c.alpha, noise: parts.noiseConfiguration, radiusMode: c.radiusMode,
                                    seedHex: c.seed.hex, modelSHA256: parts.modelSHA256, dataSHA256: parts.dataSHA256,
                                    gridScale: parts.gridScale, tvBound: parts.tvBound),
            n0: c.n0, n: c.n, threads: c.threads)
        setup.recordTime = c.recordTime
        setup.floatBaseline = parts.floatBaseline
        setup.shard = c.selection.recordedShard(of: parts.examples)

        let t0 = DispatchTime.now()
        let records = procedure == .certify
            ? try SmoothingRun.certify(setup, examples: examples, progress: progress)
            : try SmoothingRun.predict(setup, examples: examples, progress: progress)
        let int8Seconds = SmoothingRun.seconds(since: t0)
        if procedure == .certify { try selfAudit(records, radiusMode: c.radiusMode, log: progress) }
        var floatResults: [FloatBaselineResult]? = nil
        var floatSeconds: Double? = nil
        if procedure == .certify, let f = parts.floatBaseline {
            let t1 = DispatchTime.now()
            floatResults = SmoothingRun.floatBaseline(setup, f, examples: examples, progress: progress)
            floatSeconds = SmoothingRun.seconds(since: t1)
        }
        let floatRecords = floatResults.map { results in
            results.map { $0.record(constants: setup.constants, n0: c.n0, n: c.n, sigma: parts.floatBaseline!.sigma, time: c.recordTime ? $0.time : 0) }
        }
        var notes = parts.notes
        if procedure == .predict {
            // PREDICT certifies nothing, so no total-variation term is charged (the note says so instead).
            notes = notes.map { $0.replacingOccurrences(of: "d x bound subtracted from pA", with: "PREDICT's guarantee is for the sampled law (no radius is claimed)") }
        }
        if procedure == .certify && c.radiusMode == .binary && c.noise == .discreteGaussian {
            notes.append("radius mode binary under discrete-gaussian noise: the binary closed form, sound for N_Z by CF-2 (Proofs/CF-2.md); --radius-mode tight gives the exact (never smaller) radius")
        }
        return RunResult(configuration: c, records: records, floatRecords: floatRecords, floatResults: floatResults,
                         datasetExamples: parts.examples.count, gridScale: parts.gridScale, noise: parts.noiseConfiguration,
                         int8Seconds: int8Seconds, floatSeconds: floatSeconds, notes: notes)
    }

    /// Checks the outputs against each other and against the inputs (`inputs`: (what, path), e.g. the model and
    /// data set), and that each can be written, before any work (issue 16).
    public static func preflight(_ c: RunConfiguration, outputs o: RunOutputs, inputs: [(String, String)]) throws {
        let procedure = c.procedure, shard = c.selection.shard
        let dir = o.directoryURL
        let base = o.base(procedure, shard: shard)
        var outputs: [(String, String)] = [(o.jsonl == nil ? "JSONL" : "--jsonl", o.jsonlURL(procedure, shard: shard).path),
                                           (o.tsv == nil ? "TSV" : "--tsv", o.tsvURL(procedure, shard: shard).path)]
        if procedure == .certify {
            outputs.append(("SVG", dir.appendingPathComponent(base + ".svg").path))
            outputs.append(("float-baseline JSONL", dir.appendingPathComponent(base + "-float.jsonl").path))
            outputs.append(("float-baseline TSV", dir.appendingPathComponent(base + "-float.tsv").path))
        }
        var inputs = inputs
        if let t = c.certificateTable { inputs.append(("the certificate table (--certificate-table)", t)) }
        try OutputPaths.checkDistinct(outputs: outputs, inputs: inputs)
        try RunReports.preflight(outputs.prefix(procedure == .certify ? 3 : 2).map { URL(fileURLWithPath: $0.1) })
    }

    /// The whole command: preflight, ``execute(_:progress:warn:)``, ``write(_:to:warn:)``, and the summary (printed by
    /// the caller). `log`: progress lines for people (stderr in `intrs`, silenced by --quiet). `warn`: the run's
    /// ``RunWarning``s (stderr in `intrs`, also under --quiet); nil sends their ``RunWarning/line`` to `log`.
    /// Returns the summary and the data set's grid scale (real units per grid step, for ``humanSummary(_:gridScale:)``).
    public static func run(_ c: RunConfiguration, outputs o: RunOutputs, inputs: [(String, String)],
                           log: (String) -> Void,
                           warn: ((RunWarning) -> Void)? = nil) throws -> (summary: RunSummary, gridScale: Rational) {
        func warning(_ w: RunWarning) { if let warn { warn(w) } else { log(w.line) } }
        try preflight(c, outputs: o, inputs: inputs)
        let result = try execute(c, progress: log, warn: warn)  // nil: to `log`, as `warning` does
        let written = try write(result, to: o, warn: warning)
        return (summary(result, outputs: written), result.gridScale)
    }

    /// The summary of a run whose outputs `outputs` were written.
    public static func summary(_ r: RunResult, outputs: [String]) -> RunSummary {
        let c = r.configuration, procedure = c.procedure, records = r.records
        let rows = RunReports.table(records: procedure == .certify ? records : [], float: r.floatResults, gridScale: r.gridScale)
        let answered = records.filter { !$0.abstain }
        return RunSummary(
            procedure: procedure.rawValue, examples: records.count, shard: c.selection.shard?.text,
            model: c.modelPath, data: c.dataPath, noise: c.noise.rawValue, sigma2: r.noise.sigma2.description,
            sampler: c.sampler.rawValue, radiusMode: c.recordedRadiusMode,
            n0: procedure == .certify ? c.n0 : nil, n: c.n, alpha: c.alpha.description, seed: c.seed.hex,
            threads: c.threads,
            cleanAccuracyOfSmoothedAnswers: records.isEmpty ? 0 : Double(records.filter { $0.correct }.count) / Double(records.count),
            abstentions: records.count - answered.count, table: rows, int8Seconds: r.int8Seconds,
            floatSeconds: r.floatSeconds, floatOverInt8TimeRatio: r.floatSeconds.map { $0 / r.int8Seconds },
            outputs: outputs, notes: r.notes)
    }

    /// "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", ... ("every 1th" read badly).
    package static func ordinal(_ k: Int) -> String {
        let tens = (k / 10) % 10, ones = k % 10
        if k == 1 { return "example" }
        return "\(k)" + (tens == 1 ? "th" : ones == 1 ? "st" : ones == 2 ? "nd" : ones == 3 ? "rd" : "th")
    }

    /// The summary for people (what `intrs certify` prints without --json).
    public static func humanSummary(_ s: RunSummary, gridScale: Rational) -> String {
        var t = ""
        t += "\(s.procedure): \(s.examples) examples; N0 = \(s.n0.map(String.init) ?? "-"), N = \(s.n), alpha = \(s.alpha), \(s.noise) sigma2 = \(s.sigma2) grid units^2 (grid scale \(gridScale) real units), sampler \(s.sampler), seed \(s.seed)\n"
        t += String(format: "answered and correct: %.3f; abstained: %d\n", s.cleanAccuracyOfSmoothedAnswers, s.abstentions)
        if s.procedure == RunProcedure.certify.rawValue {
            t += RunReports.renderTable(s.table, examples: s.examples,
                                        procedureNote: "radius mode \(s.radiusMode); int8 radii are for integer delta, sqrt(n*) grid units")
        }
        t += String(format: "int8 time: %.2f s", s.int8Seconds)
        if let f = s.floatSeconds, let r = s.floatOverInt8TimeRatio { t += String(format: "; float32 baseline time: %.2f s; float/int8 time ratio: %.2f", f, r) }
        t += "\n"
        for o in s.outputs { t += "wrote \(o)\n" }
        for n in s.notes { t += "note: \(n)\n" }
        return t
    }

    /// Re-derives the run's certificates with the exact reference (``RecordAudit``, what `intrs audit` checks)
    /// before anything is written, so a stale or corrupt certificate table (cached tables are keyed by
    /// configuration only, not by the build that made them) cannot put unsound certificates into the outputs.
    /// Cheap for the closed forms (one Clopper-Pearson bound per distinct nA). Tight tables are verified step by
    /// step when they are read (SmoothingCertificates.lookup), before any work, so their certificates are not
    /// re-derived again here.
    package static func selfAudit(_ records: [RunRecord], radiusMode: RadiusMode, log: (String) -> Void) throws {
        guard !records.isEmpty else { return }
        if radiusMode == .tight {
            log("tight certificates: the table was verified step by step when it was read (or built by this run); `intrs audit` re-derives them from the JSONL")
            return
        }
        let lines = records.enumerated().map { RunRecordReader.Line(number: $0.offset + 1, record: $0.element, error: nil) }
        let report = RecordAudit(options: RecordAudit.Options()).audit(lines, path: "this run")
        let bad = report.findings.filter { $0.kind != "note" }
        guard bad.isEmpty else {
            throw RunError("the exact re-derivation rejects \(Set(bad.map(\.line)).count) of this run's \(records.count) certificates, so nothing was written (a stale or corrupt certificate table? run again with --rebuild-table):\n"
                + bad.prefix(5).map { "example \($0.index.map(String.init) ?? "?"): \($0.kind): \($0.reason)" }.joined(separator: "\n"))
        }
        log("self-audit: all \(records.count) certificates re-derived by the exact reference")
    }

    /// Writes every output of `r` all or none (no partial file that looks valid). Returns the paths written.
    /// `warn`: an earlier run's float-baseline files removed (or not removable) beside a run without one
    /// (``RunWarning/staleFloatBaselineRemoved(path:)``); ignored by default.
    public static func write(_ r: RunResult, to o: RunOutputs, warn: (RunWarning) -> Void = { _ in }) throws -> [String] {
        try writeOutputs(procedure: r.configuration.procedure, outputs: o, shard: r.configuration.selection.shard,
                         records: r.records, float: r.floatRecords, gridScale: r.gridScale, warn: warn)
    }

    /// Writes every output atomically (no partial file that looks valid). Returns the paths written.
    /// `float`: the float baseline's records (certify), written as `<base>-float.jsonl` and `-float.tsv`.
    package static func writeOutputs(procedure: RunProcedure, outputs o: RunOutputs, shard: Shard?,
                             records: [RunRecord], float: [FloatBaselineRecord]?, gridScale: Rational,
                             warn: (RunWarning) -> Void) throws -> [String] {
        let dir = o.directoryURL
        let base = o.base(procedure, shard: shard)
        let jsonl = o.jsonlURL(procedure, shard: shard)
        let tsv = o.tsvURL(procedure, shard: shard)
        // A previous run's baseline files beside this run's outputs would look like this run's baseline
        // (`intrs merge`, the SVG), so a run without a baseline removes them, in the same all-or-none commit,
        // and says so through `warn` (stderr in `intrs`; README, "Outputs").
        let stale = procedure == .certify && float == nil
            ? [base + "-float.jsonl", base + "-float.tsv"].map { dir.appendingPathComponent($0) }.filter { FileManager.default.fileExists(atPath: $0.path) }
            : []
        let written = try RunReports.write(try RunReports.outputFiles(procedure: procedure.rawValue, dir: dir, base: base, jsonl: jsonl, tsv: tsv,
                                                                      records: records, float: float, gridScale: gridScale),
                                           remove: stale)
        for u in stale {
            warn(FileManager.default.fileExists(atPath: u.path) ? .staleFloatBaselineNotRemoved(path: u.path) : .staleFloatBaselineRemoved(path: u.path))
        }
        return written
    }
}

/// PREDICT's abstain rule decided by the exact reference (`TwoSidedBinomialTest.rejects`), cached by counts.
package final class ReferencePredictionTest: PredictionTest, @unchecked Sendable {
    package let alpha: Rational
    private let lock = NSLock()
    private var cache: [Int: Bool] = [:]
    package init(alpha: Rational) { self.alpha = alpha }
    package func rejectsEquality(top: Int, second: Int) -> Bool {
        let key = top << 32 | second
        lock.lock(); if let c = cache[key] { lock.unlock(); return c }; lock.unlock()
        let r = (try? TwoSidedBinomialTest.rejects(successes: top, trials: top + second, alpha: alpha)) ?? false
        lock.lock(); cache[key] = r; lock.unlock()
        return r
    }
}
