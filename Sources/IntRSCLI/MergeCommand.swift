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
        sampler, N0, N, alpha, radius mode, seed), that no example appears twice, then writes the records \
        sorted by example index: <output-dir>/<procedure>.jsonl, .tsv (Cohen's format, radius in real units) \
        and for certify .svg. Because every record depends only on the example index and the configuration, \
        the merged file equals a single run's byte for byte except for the wall-clock `time` field (identical \
        too when both runs used --no-time). Radii: grid units; real units = grid units x gridScale.
        """)

    @Argument(help: "The shards' .jsonl files.")
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
        var problems: [String] = []
        for f in files {
            for line in try RunRecordReader.read(f) {
                if let r = line.record { records.append(r) } else if let e = line.error { problems.append(e) }
            }
        }
        if !problems.isEmpty { throw CLIError("cannot merge:\n" + problems.joined(separator: "\n")) }
        guard let first = records.first else { throw CLIError("the shards hold no records") }
        func config(_ r: RunRecord) -> String {
            [r.procedure, r.modelSHA256, r.dataSHA256, r.noise, r.sigma2, r.sampler, "\(r.tableBits ?? 0)",
             "\(r.n0 ?? 0)", "\(r.n)", r.alpha, r.radiusMode, r.seed, r.gridScale, r.tvBoundPerCoordinate].joined(separator: "|")
        }
        let c0 = config(first)
        for r in records where config(r) != c0 {
            throw CLIError("example \(r.index): configuration differs from example \(first.index)'s (procedure, model/data SHA-256, noise, sigma2, sampler, N0, N, alpha, radius mode, seed must all agree)")
        }
        records.sort { $0.index < $1.index }
        for i in 1..<max(records.count, 1) where records[i].index == records[i - 1].index {
            throw CLIError("example \(records[i].index) appears in more than one shard")
        }
        let procedure = first.procedure
        let dir = URL(fileURLWithPath: outputDir)
        let gridScale = try Rational(parsing: first.gridScale)
        var files: [(URL, String)] = [
            (jsonl.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(procedure + ".jsonl"),
             try records.map { try $0.jsonLine() + "\n" }.joined()),
            (tsv.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(procedure + ".tsv"), RunReports.cohenTSV(records: records)),
        ]
        if procedure == "certify" {
            files.append((dir.appendingPathComponent(procedure + ".svg"),
                          RunReports.svg(records: records, float: nil, gridScale: gridScale, title: "certified accuracy vs radius (\(records.count) examples, merged)")))
        }
        for (url, text) in files {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        }
        let rows = RunReports.table(records: procedure == "certify" ? records : [], float: nil, gridScale: gridScale)
        if json {
            struct Out: Codable { var procedure: String; var examples: Int; var table: [RunReports.Row]; var outputs: [String] }
            print(String(decoding: try CanonicalJSON.encode(Out(procedure: procedure, examples: records.count, table: rows, outputs: files.map { $0.0.path })), as: UTF8.self), terminator: "")
        } else {
            print("merged \(records.count) \(procedure) records from \(self.files.count) files")
            if procedure == "certify" { print(RunReports.renderTable(rows, examples: records.count, procedureNote: "radius mode \(first.radiusMode)"), terminator: "") }
            for f in files { print("wrote \(f.0.path)") }
        }
    }
}
