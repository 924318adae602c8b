import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

enum SmoothingProcedure: String { case certify, predict }

/// The machine-readable summary of a run (`--json`).
struct RunSummary: Codable {
    var procedure: String
    var examples: Int
    var shard: String?
    var model: String
    var data: String
    var noise: String
    var sigma2: String
    var sampler: String
    var radiusMode: String
    var n0: Int?
    var n: Int
    var alpha: String
    var seed: String
    /// The version of Vectors/stream-spec.md the run's noise was drawn under (also in every record).
    var streamSpec: Int = StreamSpecification.version
    var threads: Int
    var cleanAccuracyOfSmoothedAnswers: Double
    var abstentions: Int
    var table: [RunReports.Row]
    var int8Seconds: Double
    var floatSeconds: Double?
    var floatOverInt8TimeRatio: Double?
    var outputs: [String]
    var notes: [String]
}

enum SmoothingCommandRunner {
    /// `environment`: where `--shard auto` reads the job array's variables (the process's; tests inject theirs).
    static func run(procedure: SmoothingProcedure, options o: SmoothingOptions, floatBaseline: Bool,
                    environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        try o.checkCounts()
        if procedure == .predict {
            // PREDICT certifies no radius: certificate options would be silently ignored.
            if o.radiusMode != "binary" { throw ValidationError("--radius-mode \(o.radiusMode): intrs predict certifies no radius (it answers or abstains); radius modes are for intrs certify") }
            if let t = o.certificateTable { throw ValidationError("--certificate-table \(t): intrs predict uses no certificate table (it certifies no radius); the option is for intrs certify") }
            if o.rebuildTable { throw ValidationError("--rebuild-table: intrs predict builds no certificate table; the option is for intrs certify") }
        }
        let alpha = try o.parsedAlpha()
        if procedure == .certify && floatBaseline { try o.checkFloatBaselineAlpha(alpha) }
        let (seed, seedHex) = try o.parsedSeed()
        let shard = try o.resolvedShard(environment: environment)
        let log: (String) -> Void = o.quiet ? { _ in } : { FileHandle.standardError.write(Data(("\($0)\n").utf8)) }

        do {
            let dir = URL(fileURLWithPath: o.outputDir)
            let base = procedure.rawValue + (shard?.suffix ?? "")
            let jsonl = o.jsonl.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(base + ".jsonl")
            let tsv = o.tsv.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(base + ".tsv")
            var outputs: [(String, String)] = [(o.jsonl == nil ? "JSONL" : "--jsonl", jsonl.path), (o.tsv == nil ? "TSV" : "--tsv", tsv.path)]
            if procedure == .certify {
                outputs.append(("SVG", dir.appendingPathComponent(base + ".svg").path))
                outputs.append(("float-baseline JSONL", dir.appendingPathComponent(base + "-float.jsonl").path))
                outputs.append(("float-baseline TSV", dir.appendingPathComponent(base + "-float.tsv").path))
            }
            var inputs: [(String, String)] = [
                ("the model (--model)", try SmoothingParts.shippedPath(o.model, resource: SmoothingDefaults.modelResource, option: "--model")),
                ("the data set (--data)", try SmoothingParts.shippedPath(o.data, resource: SmoothingDefaults.dataResource, option: "--data")),
            ]
            if let t = o.certificateTable { inputs.append(("the certificate table (--certificate-table)", t)) }
            try OutputPaths.checkDistinct(outputs: outputs, inputs: inputs)
            try RunReports.preflight(outputs.prefix(procedure == .certify ? 3 : 2).map { URL(fileURLWithPath: $0.1) })
        }
        // Checked as soon as the data set is read (before a certificate table is built, which can take minutes).
        // An empty shard is not an error (more shards than examples): it writes empty outputs for `intrs merge`.
        let checkSelection: ([RunExample]) throws -> Void = { all in
            if o.select(all, shard: nil).isEmpty {
                throw ValidationError("no examples selected (check --every, --limit; the data set has \(all.count) examples)")
            }
        }
        let parts = try SmoothingParts.resolve(options: o, procedure: procedure, alpha: alpha, seed: seed,
                                               floatBaseline: floatBaseline, checkSelection: checkSelection, log: log)
        let examples = o.select(parts.examples, shard: shard)
        if examples.isEmpty { log("shard \(shard?.text ?? ""): no examples fall in this shard; writing empty outputs") }
        if o.seed == "random" { log("seed (random, recorded in every line): \(seedHex)") }
        log("\(procedure.rawValue): \(examples.count) examples of \(parts.examples.count) (every \(ordinal(o.every ?? SmoothingDefaults.every)) by index\(o.limit.map { ", at most \($0)" } ?? "")\(shard.map { ", shard \($0.text)" } ?? "")), \(procedure == .certify ? "N0 = \(o.n0), " : "")N = \(o.n), alpha = \(alpha), noise = \(o.noise), sigma2 = \(parts.sigma2) grid units^2, sampler = \(o.sampler), stream spec = \(StreamSpecification.version) (Vectors/stream-spec.md), \(procedure == .certify ? "radius mode = \(o.radiusMode), " : "")threads = \(o.threadCount)")

        var setup = SmoothingRunSetup(
            classifier: parts.classifier, noise: parts.noise, certificate: parts.certificate,
            predictionTest: ReferencePredictionTest(alpha: alpha), clopperPearsonLower: parts.clopperPearsonLower,
            constants: RunConstants(alpha: alpha, noise: o.noise, sigma2: parts.sigma2, sampler: o.sampler,
                                    tableBits: o.sampler == "table" ? o.tableBits : nil,
                                    radiusMode: procedure == .certify ? o.radiusMode : "none", seedHex: seedHex,
                                    modelSHA256: parts.modelSHA256, dataSHA256: parts.dataSHA256,
                                    gridScale: parts.gridScale, tvBound: parts.tvBound),
            n0: o.n0, n: o.n, threads: o.threadCount)
        setup.recordTime = !o.noTime
        setup.floatBaseline = parts.floatBaseline
        setup.shard = o.recordedShard(shard, of: parts.examples)

        let t0 = DispatchTime.now()
        let records = procedure == .certify
            ? try SmoothingRun.certify(setup, examples: examples, progress: log)
            : try SmoothingRun.predict(setup, examples: examples, progress: log)
        let int8Seconds = SmoothingRun.seconds(since: t0)
        if procedure == .certify { try selfAudit(records, radiusMode: o.radiusMode, log: log) }
        var floatResults: [FloatBaselineResult]? = nil
        var floatSeconds: Double? = nil
        if procedure == .certify, let f = parts.floatBaseline {
            let t1 = DispatchTime.now()
            floatResults = SmoothingRun.floatBaseline(setup, f, examples: examples, progress: log)
            floatSeconds = SmoothingRun.seconds(since: t1)
        }
        let floatRecords = floatResults.map { results in
            results.map { $0.record(constants: setup.constants, n0: o.n0, n: o.n, sigma: parts.floatBaseline!.sigma, time: o.noTime ? 0 : $0.time) }
        }
        let outputs = try writeOutputs(procedure: procedure, options: o, shard: shard, records: records,
                                       float: floatRecords, gridScale: parts.gridScale)
        let rows = RunReports.table(records: procedure == .certify ? records : [], float: floatResults, gridScale: parts.gridScale)
        var notes = parts.notes
        if procedure == .predict {
            // PREDICT certifies nothing, so no total-variation term is charged (the note says so instead).
            notes = notes.map { $0.replacingOccurrences(of: "d x bound subtracted from pA", with: "PREDICT's guarantee is for the sampled law (no radius is claimed)") }
        }
        if procedure == .certify && o.radiusMode == "binary" && o.noise == "discrete-gaussian" {
            notes.append("radius mode binary under discrete-gaussian noise: the binary closed form, sound for N_Z by CF-2 (Proofs/CF-2.md); --radius-mode tight gives the exact (never smaller) radius")
        }
        let answered = records.filter { !$0.abstain }
        let summary = RunSummary(
            procedure: procedure.rawValue, examples: records.count, shard: shard?.text,
            model: parts.modelPath, data: parts.dataPath, noise: o.noise, sigma2: parts.sigma2.description,
            sampler: o.sampler, radiusMode: procedure == .certify ? o.radiusMode : "none",
            n0: procedure == .certify ? o.n0 : nil, n: o.n, alpha: alpha.description, seed: seedHex,
            threads: o.threadCount,
            cleanAccuracyOfSmoothedAnswers: records.isEmpty ? 0 : Double(records.filter { $0.correct }.count) / Double(records.count),
            abstentions: records.count - answered.count, table: rows, int8Seconds: int8Seconds,
            floatSeconds: floatSeconds, floatOverInt8TimeRatio: floatSeconds.map { $0 / int8Seconds },
            outputs: outputs, notes: notes)
        if o.json {
            print(String(decoding: try CanonicalJSON.encode(summary), as: UTF8.self), terminator: "")
        } else {
            print(humanSummary(summary, procedure: procedure, gridScale: parts.gridScale))
        }
    }

    /// "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", ... ("every 1th" read badly).
    static func ordinal(_ k: Int) -> String {
        let tens = (k / 10) % 10, ones = k % 10
        if k == 1 { return "example" }
        return "\(k)" + (tens == 1 ? "th" : ones == 1 ? "st" : ones == 2 ? "nd" : ones == 3 ? "rd" : "th")
    }

    static func humanSummary(_ s: RunSummary, procedure: SmoothingProcedure, gridScale: Rational) -> String {
        var t = ""
        t += "\(s.procedure): \(s.examples) examples; N0 = \(s.n0.map(String.init) ?? "-"), N = \(s.n), alpha = \(s.alpha), \(s.noise) sigma2 = \(s.sigma2) grid units^2 (grid scale \(gridScale) real units), sampler \(s.sampler), seed \(s.seed)\n"
        t += String(format: "answered and correct: %.3f; abstained: %d\n", s.cleanAccuracyOfSmoothedAnswers, s.abstentions)
        if procedure == .certify {
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

    /// Re-derives the run's certificates with the exact reference (the `intrs audit` checks) before anything is
    /// written, so a stale or corrupt certificate table (cached tables are keyed by configuration only, not by
    /// the build that made them) cannot put unsound certificates into the outputs. Cheap for the closed forms
    /// (one Clopper-Pearson bound per distinct nA). Tight tables are verified step by step when they are read
    /// (SmoothingCertificates.lookup), before any work, so their certificates are not re-derived again here.
    static func selfAudit(_ records: [RunRecord], radiusMode: String, log: (String) -> Void) throws {
        guard !records.isEmpty else { return }
        if radiusMode == "tight" {
            log("tight certificates: the table was verified step by step when it was read (or built by this run); `intrs audit` re-derives them from the JSONL")
            return
        }
        let lines = records.enumerated().map { RunRecordReader.Line(number: $0.offset + 1, record: $0.element, error: nil) }
        let report = try AuditCommand.parse([]).auditLines(lines, path: "this run")
        let bad = report.findings.filter { $0.kind != "note" }
        guard bad.isEmpty else {
            throw CLIError("the exact re-derivation rejects \(Set(bad.map(\.line)).count) of this run's \(records.count) certificates, so nothing was written (a stale or corrupt certificate table? run again with --rebuild-table):\n"
                + bad.prefix(5).map { "example \($0.index.map(String.init) ?? "?"): \($0.kind): \($0.reason)" }.joined(separator: "\n"))
        }
        log("self-audit: all \(records.count) certificates re-derived by the exact reference")
    }

    /// Writes every output atomically (no partial file that looks valid). Returns the paths written.
    /// `float`: the float baseline's records (certify), written as `<base>-float.jsonl` and `-float.tsv`.
    static func writeOutputs(procedure: SmoothingProcedure, options o: SmoothingOptions, shard: Shard?,
                             records: [RunRecord], float: [FloatBaselineRecord]?, gridScale: Rational) throws -> [String] {
        let dir = URL(fileURLWithPath: o.outputDir)
        let base = procedure.rawValue + (shard?.suffix ?? "")
        let jsonl = o.jsonl.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(base + ".jsonl")
        let tsv = o.tsv.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(base + ".tsv")
        // A previous run's baseline files beside this run's outputs would look like this run's baseline
        // (`intrs merge`, the SVG), so a run without a baseline removes them, in the same all-or-none commit,
        // and says so on stderr (README, "Outputs").
        let stale = procedure == .certify && float == nil
            ? [base + "-float.jsonl", base + "-float.tsv"].map { dir.appendingPathComponent($0) }.filter { FileManager.default.fileExists(atPath: $0.path) }
            : []
        let written = try RunReports.write(try RunReports.outputFiles(procedure: procedure.rawValue, dir: dir, base: base, jsonl: jsonl, tsv: tsv,
                                                                      records: records, float: float, gridScale: gridScale),
                                           remove: stale)
        for u in stale {
            FileManager.default.fileExists(atPath: u.path)
                ? FileHandle.standardError.write(Data("warning: \(u.path) is from an earlier run and could not be removed\n".utf8))
                : FileHandle.standardError.write(Data("removed \(u.path): an earlier run's float baseline (this run has none, --no-float-baseline)\n".utf8))
        }
        return written
    }
}

/// PREDICT's abstain rule decided by the exact reference (`TwoSidedBinomialTest.rejects`), cached by counts.
final class ReferencePredictionTest: PredictionTest, @unchecked Sendable {
    let alpha: Rational
    private let lock = NSLock()
    private var cache: [Int: Bool] = [:]
    init(alpha: Rational) { self.alpha = alpha }
    func rejectsEquality(top: Int, second: Int) -> Bool {
        let key = top << 32 | second
        lock.lock(); if let c = cache[key] { lock.unlock(); return c }; lock.unlock()
        let r = (try? TwoSidedBinomialTest.rejects(successes: top, trials: top + second, alpha: alpha)) ?? false
        lock.lock(); cache[key] = r; lock.unlock()
        return r
    }
}
