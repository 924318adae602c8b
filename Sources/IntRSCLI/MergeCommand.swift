import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact

/// `intrs merge`: joins the JSON Lines files of a sharded run into the file a single run writes.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shards of a certify or predict run (their .jsonl files) into one run's outputs.",
        discussion: """
        Checks that every shard used the same configuration (procedure, model and data SHA-256, noise, sigma2, \
        sampler, N0, N, alpha, radius mode, seed, record version and stream specification streamSpec: shards \
        whose noise was drawn under different versions of Vectors/stream-spec.md are different runs), that no example appears twice, \
        and from the records' shard field that every shard of one split and every example of the run's selection \
        is present (what is missing is named), then writes the records without the shard field \
        sorted by example index: <output-dir>/<procedure>.jsonl, .tsv (Cohen's format, radius in real units) \
        and for certify .svg. Float baseline: give the shards' certify.shard-i-of-n-float.jsonl files too (in \
        any order; recognised by their format field); they must come from the same run and cover the same \
        examples, and the merge then also writes certify-float.jsonl and certify-float.tsv and draws the \
        baseline in the .svg. Because every record depends only on the example index and the configuration, \
        the merged files equal a single run's byte for byte except for the wall-clock `time` fields (identical \
        too when both runs used --no-time; the float baseline on the same build and platform, since libm may \
        differ in the last ulp elsewhere). Radii: grid units; real units = grid units x gridScale. Every record \
        is read as `intrs audit` reads it (the format's ranges and enumerations) and checked for internal \
        consistency as audit checks it (counts, candidate, prediction, radius = sqrt(n*), radiusReal, stream \
        ids); an inconsistent record stops the merge with its file, line and reason. The certificates \
        themselves are not re-derived: run `intrs audit` on the merged file.
        """)

    @Argument(help: "The shards' .jsonl files (and, optionally, their -float.jsonl files).")
    var files: [String]
    @Option(help: "Output directory.")
    var outputDir: String = "intrs-out"
    @Option(help: "Merged JSON Lines path (default <output-dir>/<procedure>.jsonl).")
    var jsonl: String?
    @Option(help: "Merged TSV path (default <output-dir>/<procedure>.tsv).")
    var tsv: String?
    @Flag(help: "Print the summary as JSON.")
    var json = false

    func run() throws {
        guard !files.isEmpty else { throw ValidationError("give the shards' .jsonl files") }
        var records: [RunRecord] = []
        var origin: [String] = []          // "file:line" of each record, for messages
        var floats: [FloatBaselineRecord] = []
        var floatFiles: [String] = []
        var problems: [String] = []
        for f in files {
            if try RunRecordReader.firstFormat(f) == FloatBaselineRecord.formatName {
                floatFiles.append(f)
                for line in try RunRecordReader.readFloat(f) {
                    if let r = line.record { floats.append(r) } else if let e = line.error { problems.append(e) }
                }
            } else {
                for line in try RunRecordReader.read(f) {
                    if let r = line.record { records.append(r); origin.append("\(f):\(line.number)") } else if let e = line.error { problems.append(e) }
                }
            }
        }
        // Each record's internal consistency, as `intrs audit` checks it (not the certificate itself: audit the
        // merged file for that), so that no inconsistent radius reaches the merged TSV or plot.
        let auditor = try AuditCommand.parse([])
        var notes = Set<String>(), cp: [String: Rational] = [:], tight = AuditMath.TightCache()
        for (r, at) in zip(records, origin) {
            let line = Int(at.split(separator: ":").last ?? "0") ?? 0
            for f in try auditor.check(r, line: line, notes: &notes, cpCache: &cp, tightCache: &tight, consistencyOnly: true)
            where f.kind != "note" {
                problems.append("\(at) (example \(r.index)): \(f.kind): \(f.reason)")
            }
        }
        if !problems.isEmpty {
            let shown = problems.prefix(20)
            throw CLIError("cannot merge:\n" + shown.joined(separator: "\n")
                + (problems.count > shown.count ? "\n... and \(problems.count - shown.count) more problems" : ""))
        }
        guard let first = records.first else {
            throw CLIError(floats.isEmpty ? "\(files.joined(separator: ", ")): no run records (empty or blank): nothing to merge" : "only float-baseline files given (\(floatFiles.joined(separator: ", "))): give the run's int8 .jsonl shards too")
        }
        func config(_ r: RunRecord) -> [(String, String)] {
            [("procedure", r.procedure), ("modelSHA256", r.modelSHA256), ("dataSHA256", r.dataSHA256), ("noise", r.noise),
             ("sigma2", r.sigma2), ("sampler", r.sampler), ("tableBits", r.tableBits.map(String.init) ?? "-"),
             ("n0", r.n0.map(String.init) ?? "-"), ("n", "\(r.n)"), ("alpha", r.alpha), ("radiusMode", r.radiusMode),
             ("seed", r.seed), ("gridScale", r.gridScale), ("tvBoundPerCoordinate", r.tvBoundPerCoordinate),
             ("version", "\(r.version)"), ("streamSpec", r.streamSpec.map(String.init) ?? "absent")]
        }
        let c0 = config(first)
        for (r, at) in zip(records, origin) {
            let diffs = zip(config(r), c0).filter { $0.0.1 != $0.1.1 }
            if !diffs.isEmpty {
                throw CLIError("\(at) (example \(r.index)) is from another run than \(origin[0]) (example \(first.index)): "
                    + diffs.map { "\($0.0.0) \"\($0.0.1)\" vs \"\($0.1.1)\"" }.joined(separator: ", ")
                    + " (procedure, model/data SHA-256, noise, sigma2, sampler, N0, N, alpha, radius mode, seed, record version and streamSpec must all agree)")
            }
        }
        let order = records.indices.sorted { records[$0].index < records[$1].index }
        for k in 1..<max(order.count, 1) where records[order[k]].index == records[order[k - 1]].index {
            throw CLIError("example \(records[order[k]].index) appears in more than one shard (\(origin[order[k - 1]]) and \(origin[order[k]])); overlapping shards, or the same shard twice")
        }
        if records.contains(where: { $0.shard != nil }) {
            try ShardCompleteness.check(records, origin: origin)
        } else {
            try Self.checkShardSet(self.files.filter { !floatFiles.contains($0) })
        }
        records = order.map { records[$0].withoutShard }
        let procedure = first.procedure
        let float = floatFiles.isEmpty ? nil : try Self.checkedFloat(floats, against: records, first: first, files: floatFiles)
        let dir = URL(fileURLWithPath: outputDir)
        let gridScale = try Rational(parsing: first.gridScale)
        let files = try RunReports.outputFiles(
            procedure: procedure, dir: dir, base: procedure,
            jsonl: jsonl.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(procedure + ".jsonl"),
            tsv: tsv.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(procedure + ".tsv"),
            records: records, float: float, gridScale: gridScale)
        let written = try RunReports.write(files)
        let rows = RunReports.table(records: procedure == "certify" ? records : [], float: float?.map(FloatBaselineResult.init(record:)), gridScale: gridScale)
        if json {
            struct Out: Codable { var procedure: String; var examples: Int; var floatBaselineExamples: Int?; var table: [RunReports.Row]; var outputs: [String] }
            print(String(decoding: try CanonicalJSON.encode(Out(procedure: procedure, examples: records.count, floatBaselineExamples: float?.count, table: rows, outputs: written)), as: UTF8.self), terminator: "")
        } else {
            print("merged \(records.count) \(procedure) records\(float.map { " and \($0.count) float-baseline records" } ?? "") from \(self.files.count) files")
            if procedure == "certify" { print(RunReports.renderTable(rows, examples: records.count, procedureNote: "radius mode \(first.radiusMode)"), terminator: "") }
            for f in written { print("wrote \(f)") }
        }
    }

    /// When the int8 files carry the names `certify` / `predict` give shards (`<procedure>.shard-i-of-n.jsonl`),
    /// they must all be shards of the same n and cover every i in 0..<n exactly once: a merge of an incomplete
    /// set would write a file that looks like a whole run. Only for records without the `shard` field (older
    /// builds'): records that carry it are checked from the records by ``ShardCompleteness``.
    static func checkShardSet(_ files: [String]) throws {
        var shards: [(file: String, i: Int, n: Int)] = []
        for f in files {
            let name = URL(fileURLWithPath: f).lastPathComponent
            guard let r = name.range(of: #"\.shard-([0-9]+)-of-([0-9]+)\.jsonl$"#, options: .regularExpression) else { continue }
            let parts = name[r].dropFirst(".shard-".count).dropLast(".jsonl".count).components(separatedBy: "-of-")
            guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { continue }
            shards.append((f, i, n))
        }
        guard !shards.isEmpty else { return }
        let counts = Set(shards.map(\.n))
        if counts.count > 1 {
            throw CLIError("the files are shards of different splits (\(shards.map { "\($0.file): \($0.i)/\($0.n)" }.joined(separator: ", "))): give the shards of one run")
        }
        let n = counts.first!
        let missing = Set(0..<n).subtracting(shards.map(\.i)).sorted()
        if !missing.isEmpty {
            throw CLIError("incomplete run: shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) missing (given \(shards.map { "\($0.i)/\(n)" }.sorted().joined(separator: ", "))); a merge of some shards would look like a whole run")
        }
    }

    /// The float-baseline records, sorted by example, after checking that they belong to the same certify run
    /// (alpha, N, N0, gridScale, seed, model and data SHA-256, stream specification; one sigma) and cover exactly
    /// its examples.
    static func checkedFloat(_ floats: [FloatBaselineRecord], against records: [RunRecord], first: RunRecord,
                             files: [String]) throws -> [FloatBaselineRecord] {
        guard first.procedure == "certify" else {
            throw CLIError("float-baseline files (\(files.joined(separator: ", "))) belong to certify runs, but the run records are \(first.procedure)")
        }
        let expected = [first.alpha, "\(first.n)", "\(first.n0 ?? 0)", first.gridScale, first.seed, first.modelSHA256, first.dataSHA256]
        let sigma = floats.first?.sigma
        for f in floats where f.streamSpec != first.streamSpec {
            throw CLIError("float-baseline example \(f.index): field streamSpec is \(f.streamSpec.map(String.init) ?? "absent") but the int8 records' is \(first.streamSpec.map(String.init) ?? "absent") (noise drawn under different versions of Vectors/stream-spec.md: not the same run)")
        }
        for f in floats {
            let got = [f.alpha, "\(f.n)", "\(f.n0)", f.gridScale, f.seed, f.modelSHA256, f.dataSHA256]
            if got != expected || f.sigma != sigma {
                throw CLIError("float-baseline example \(f.index): configuration differs from the run's (alpha, N, N0, gridScale, seed, model/data SHA-256 must equal the int8 records', sigma must agree across shards)")
            }
        }
        let sorted = floats.sorted { $0.index < $1.index }
        for i in 1..<max(sorted.count, 1) where sorted[i].index == sorted[i - 1].index {
            throw CLIError("float-baseline example \(sorted[i].index) appears in more than one shard")
        }
        let want = records.map(\.index), got = sorted.map(\.index)
        if want != got {
            let missing = Set(want).subtracting(got).sorted(), extra = Set(got).subtracting(want).sorted()
            throw CLIError("the float-baseline files cover other examples than the int8 files: missing \(missing.prefix(10)), extra \(extra.prefix(10)) (give every shard's -float.jsonl, or none)")
        }
        return sorted
    }
}
