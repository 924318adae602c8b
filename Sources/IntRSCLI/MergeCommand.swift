import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSRun

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

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give the shards' .jsonl files") }
    }

    func run() throws {
        let m = try usageErrors { try RunMerge.merge(files, outputs: RunOutputs(directory: outputDir, jsonl: jsonl, tsv: tsv)) }
        if json {
            print(String(decoding: try CanonicalJSON.encode(m), as: UTF8.self), terminator: "")
        } else {
            print("merged \(m.examples) \(m.procedure) records\(m.floatBaselineExamples.map { " and \($0) float-baseline records" } ?? "") from \(files.count) files")
            if m.procedure == RunProcedure.certify.rawValue { print(RunReports.renderTable(m.table, examples: m.examples, procedureNote: "radius mode \(m.radiusMode)"), terminator: "") }
            for f in m.outputs { print("wrote \(f)") }
        }
    }
}
