import Foundation
import Testing
import IntRSCore
import IntRSExact
import IntRSFloatBaseline
import IntRSRuntime
@testable import IntRSCLI
@testable import IntRSRun

/// `intrs merge` with the float baseline's shards: the merged outputs equal a single run's byte for byte.
@Suite("merge: float baseline")
struct FloatBaselineMergeTests {
    /// The float counterpart of `RunStandIns.classifier` (d = 3, 3 classes).
    struct FloatToy: BatchClassifier {
        var inputCount: Int { 3 }
        var classCount: Int { 3 }
        func classify(grid: UnsafeBufferPointer<Float>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>) {
            for b in 0..<batch {
                let x = grid[b * 3]
                classes[b] = x > 0 ? 1 : (x < -6 ? 2 : 0)
            }
        }
    }

    static let float = FloatBaselineSetup(classifier: AnyFloatBatchClassifier(FloatToy()),
                                          noise: AnyFloatNoiseSource(GaussianStreamNoiseSource(seed: RunStandIns.seed, sigma: 3)),
                                          sigma: 3)

    /// Runs certify and the float baseline on `examples` and writes the outputs like `intrs certify --no-time`.
    static func run(_ o: SmoothingOptions, shard: Shard?, examples: [RunExample]) throws -> [String] {
        let setup = try RunStandIns.setup(threads: 2)
        let records = try SmoothingRun.certify(setup, examples: examples, progress: { _ in })
        let floats = SmoothingRun.floatBaseline(setup, float, examples: examples, progress: { _ in })
            .map { $0.record(constants: setup.constants, n0: setup.n0, n: setup.n, sigma: float.sigma, time: 0) }
        return try SmoothingCommandRunner.writeOutputs(procedure: .certify, options: o, shard: shard, records: records,
                                                       float: floats, gridScale: Rational(1, 16))
    }

    static let names = ["certify.jsonl", "certify.tsv", "certify.svg", "certify-float.jsonl", "certify-float.tsv"]

    @Test("int8 and float shards merged equal a single run byte for byte (all five files)", arguments: [2, 3])
    func mergedEqualsSingle(shards: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-fmerge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var o = try SmoothingOptions.parse(["--output-dir", dir.appendingPathComponent("single").path, "--no-time", "--every", "1"])
        let single = try Self.run(o, shard: nil, examples: RunStandIns.examples)
        #expect(single.map { URL(fileURLWithPath: $0).lastPathComponent } == Self.names)
        o.outputDir = dir.appendingPathComponent("shards").path
        var inputs: [String] = []
        for i in 0..<shards {
            let sh = Shard(index: i, count: shards)
            o.shard = "\(i)/\(shards)"
            let out = try Self.run(o, shard: sh, examples: o.select(RunStandIns.examples, shard: sh))
            #expect(out[3].hasSuffix("certify.shard-\(i)-of-\(shards)-float.jsonl"))
            inputs = [out[3]] + inputs + [out[0]]          // float files first, in reverse order: order must not matter
        }
        let merged = dir.appendingPathComponent("merged")
        let merge = try MergeCommand.parse(inputs + ["--output-dir", merged.path, "--json"])
        try merge.run()
        for name in Self.names {
            let a = try Data(contentsOf: dir.appendingPathComponent("single").appendingPathComponent(name))
            let b = try Data(contentsOf: merged.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between the single run and the merged shards")
        }
        // The merged float records hold exactly the baseline's results (doubles round-trip), and read back and
        // written again they are the same bytes.
        let direct = SmoothingRun.floatBaseline(try RunStandIns.setup(threads: 1), Self.float, examples: RunStandIns.examples, progress: { _ in })
        let text = try String(contentsOf: merged.appendingPathComponent("certify-float.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == direct.count)
        for (line, d) in zip(lines, direct) {
            let r = try JSONDecoder().decode(FloatBaselineRecord.self, from: Data(line.utf8))
            #expect(try r.jsonLine() == String(line))
            let back = FloatBaselineResult(record: r)
            #expect(back.outcome == d.outcome && back.index == d.index && back.label == d.label, "example \(d.index)")
        }
        #expect(direct.contains { $0.outcome.radius != nil } && direct.contains { $0.outcome.radius == nil })
        // The merged float TSV is Cohen's procedure: every radius is achievable (intrs audit, AUD-1).
        let audit = try AuditCommand.parse(["--cohen-tsv", merged.appendingPathComponent("certify-float.tsv").path,
                                            "--radius-format", "floor:6", "--sigma", "3/16", "--n", "200", "--alpha", "0.001"])
        let report = try audit.auditTSV(merged.appendingPathComponent("certify-float.tsv").path, sigmaText: "3/16", n: 200, alphaText: "0.001")
        #expect(report.failures == 0, "\(report.findings)")
        #expect(report.linesChecked == RunStandIns.examples.count)
    }

    @Test("merge refuses float shards that are missing, from another run, alone, or malformed")
    func refusals() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-fmerge-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var o = try SmoothingOptions.parse(["--output-dir", dir.path, "--no-time", "--every", "1"])
        var out: [[String]] = []
        for i in 0..<2 {
            let sh = Shard(index: i, count: 2)
            o.shard = "\(i)/2"
            out.append(try Self.run(o, shard: sh, examples: o.select(RunStandIns.examples, shard: sh)))
        }
        func fails(_ files: [String], _ needle: String) throws {
            let m = try MergeCommand.parse(files + ["--output-dir", dir.appendingPathComponent("m").path])
            do { try m.run(); Issue.record("merge of \(files.map { URL(fileURLWithPath: $0).lastPathComponent }) should fail") }
            catch { #expect("\(error)".contains(needle), "\(error)") }
        }
        // One shard's float file missing.
        try fails([out[0][0], out[1][0], out[0][3]], "missing")
        // Float files alone.
        try fails([out[0][3], out[1][3]], "only float-baseline files")
        // A float file from another seed.
        let other = dir.appendingPathComponent("other-float.jsonl")
        let lines = try String(contentsOf: URL(fileURLWithPath: out[1][3]), encoding: .utf8).split(separator: "\n")
        var recs = try lines.map { try JSONDecoder().decode(FloatBaselineRecord.self, from: Data($0.utf8)) }
        recs[0].seed = String(repeating: "ab", count: 32)
        try Data(try recs.map { try $0.jsonLine() + "\n" }.joined().utf8).write(to: other)
        try fails([out[0][0], out[1][0], out[0][3], other.path], "configuration differs")
        // A malformed line (named by file and line number).
        let bad = dir.appendingPathComponent("bad-float.jsonl")
        try Data((lines[0] + "\n{\"format\":\"intrs-float-baseline-record\",\"version\":1,\"index\":\"x\"}\n").utf8).write(to: bad)
        try fails([out[0][0], out[1][0], out[0][3], bad.path], "bad-float.jsonl:2")
        // The same float shard twice.
        try fails([out[0][0], out[1][0], out[0][3], out[0][3], out[1][3]], "more than one shard")
    }
}
