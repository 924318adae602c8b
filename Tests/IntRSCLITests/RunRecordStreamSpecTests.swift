import Foundation
import Testing
import IntRSCore
import IntRSExact
@testable import IntRSCLI
@testable import IntRSRun

/// Run records (version 2) and float-baseline records (version 2) name the stream specification that drew
/// their noise (`streamSpec`); merge treats it as configuration; audit notes an old or unknown one.
@Suite("run records: stream specification")
struct RunRecordStreamSpecTests {
    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-streamspec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    static func predictRecords(_ k: Int = 3) throws -> [RunRecord] {
        try SmoothingRun.predict(RunStandIns.setup(threads: 1), examples: Array(RunStandIns.examples.prefix(k)), progress: { _ in })
    }

    static func write(_ lines: [String], _ url: URL) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
    }

    /// The record as an older build wrote it: version 1, no streamSpec field.
    static func versionOne(_ r: RunRecord) -> RunRecord { var v = r; v.version = 1; v.streamSpec = nil; return v }

    @Test("records carry streamSpec = StreamSpecification.version and round-trip byte for byte")
    func roundTrip() throws {
        for r in try Self.predictRecords() + SmoothingRun.certify(RunStandIns.setup(threads: 1), examples: Array(RunStandIns.examples.prefix(2)), progress: { _ in }) {
            #expect(r.version == 2 && r.streamSpec == StreamSpecification.version)
            let line = try r.jsonLine()
            #expect(line.contains("\"streamSpec\":\(StreamSpecification.version)"), "\(line)")
            let back = try JSONDecoder().decode(RunRecord.self, from: Data(line.utf8))
            #expect(back == r)
            #expect(try back.jsonLine() == line)
        }
        // A version 1 record reads back without the field and is written back unchanged (no streamSpec key).
        let old = Self.versionOne(try Self.predictRecords(1)[0])
        let oldLine = try old.jsonLine()
        #expect(!oldLine.contains("streamSpec"))
        #expect(try JSONDecoder().decode(RunRecord.self, from: Data(oldLine.utf8)).jsonLine() == oldLine)
        // Float-baseline records too.
        let f = FloatBaselineRecord(index: 0, label: 1, prediction: 1, abstain: false, correct: true, candidate: 1,
                                    counts: [1, 9], selectionCounts: [0, 2], nA: 9, n: 10, n0: 2, alpha: "1/1000",
                                    pALower: 0.6, radius: 0.75, sigma: 3, gridScale: "1/16", seed: RunStandIns.seed.hex,
                                    modelSHA256: String(repeating: "0", count: 64), dataSHA256: String(repeating: "1", count: 64), time: 0)
        #expect(f.version == 2 && f.streamSpec == StreamSpecification.version)
        let fl = try f.jsonLine()
        #expect(fl.contains("\"streamSpec\":\(StreamSpecification.version)"))
        #expect(try JSONDecoder().decode(FloatBaselineRecord.self, from: Data(fl.utf8)) == f)
    }

    @Test("merge refuses shards whose stream specs differ, naming the field and both values")
    func mergeRefusesDifferentStreamSpec() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let recs = try Self.predictRecords(2)
        let a = dir.appendingPathComponent("a.jsonl"), b = dir.appendingPathComponent("b.jsonl")
        try Self.write([try recs[0].jsonLine()], a)
        for (other, values) in [(1, ["\"2\"", "\"1\""]), (7, ["\"2\"", "\"7\""])] {
            var r = recs[1]; r.streamSpec = other
            try Self.write([try r.jsonLine()], b)
            let m = try MergeCommand.parse([a.path, b.path, "--output-dir", dir.appendingPathComponent("out").path])
            do { try m.run(); Issue.record("merged shards with streamSpec 2 and \(other)") } catch {
                let text = "\(error)"
                #expect(text.contains("streamSpec"), "\(text)")
                for v in values { #expect(text.contains(v), "\(text)") }
            }
        }
        // A version 1 shard (no streamSpec) with a version 2 shard: different runs.
        try Self.write([try Self.versionOne(recs[1]).jsonLine()], b)
        let m = try MergeCommand.parse([a.path, b.path, "--output-dir", dir.appendingPathComponent("out").path])
        do { try m.run(); Issue.record("merged a version 1 shard with a version 2 shard") } catch {
            #expect("\(error)".contains("streamSpec \"absent\" vs \"2\""), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
        // Version 1 shards merge among themselves, written back as they were.
        try Self.write([try Self.versionOne(recs[0]).jsonLine()], a)
        let out = dir.appendingPathComponent("v1")
        try MergeCommand.parse([a.path, b.path, "--output-dir", out.path]).run()
        let merged = try String(contentsOf: out.appendingPathComponent("predict.jsonl"), encoding: .utf8)
        #expect(merged == (try recs.map { try Self.versionOne($0).jsonLine() + "\n" }.joined()))
    }

    @Test("merge refuses float-baseline records drawn under another stream spec than the int8 records")
    func mergeRefusesFloatStreamSpec() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let recs = try SmoothingRun.certify(RunStandIns.setup(threads: 1), examples: Array(RunStandIns.examples.prefix(1)), progress: { _ in })
        let r = recs[0]
        var f = FloatBaselineRecord(index: r.index, label: r.label, prediction: -1, abstain: true, correct: false, candidate: 0,
                                    counts: r.counts, selectionCounts: r.selectionCounts ?? [], nA: r.counts[0], n: r.n, n0: r.n0 ?? 0,
                                    alpha: r.alpha, pALower: 0.1, radius: nil, sigma: 3, gridScale: r.gridScale, seed: r.seed,
                                    modelSHA256: r.modelSHA256, dataSHA256: r.dataSHA256, time: 0)
        f.streamSpec = 1
        let a = dir.appendingPathComponent("certify.jsonl"), fa = dir.appendingPathComponent("certify-float.jsonl")
        try Self.write([try r.jsonLine()], a)
        try Self.write([try f.jsonLine()], fa)
        let m = try MergeCommand.parse([a.path, fa.path, "--output-dir", dir.appendingPathComponent("out").path])
        do { try m.run(); Issue.record("merged float records of stream spec 1 with int8 records of 2") } catch {
            #expect("\(error)".contains("field streamSpec is 1 but the int8 records' is 2"), "\(error)")
        }
    }

    @Test("audit: a version 1 record (no streamSpec) and an old or unknown streamSpec get a note, not a failure")
    func auditNotes() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let recs = try Self.predictRecords(4)
        var one = recs[2]; one.streamSpec = 1
        var unknown = recs[3]; unknown.streamSpec = 7
        let path = dir.appendingPathComponent("mixed.jsonl")
        try Self.write([try recs[0].jsonLine(), try Self.versionOne(recs[1]).jsonLine(), try one.jsonLine(), try unknown.jsonLine()], path)
        let report = try AuditCommand.parse([path.path]).auditJSONL(path.path)
        #expect(report.failures == 0, "\(report.findings)")
        #expect(report.linesChecked == 4)
        #expect(report.notes.contains { $0.contains("(line 2) has no streamSpec field (run-record version 1)") }, "\(report.notes)")
        #expect(report.notes.contains { $0.contains("(line 3) has streamSpec 1:") }, "\(report.notes)")
        #expect(report.notes.contains { $0.contains("(line 4) has streamSpec 7, a stream specification this build does not know") }, "\(report.notes)")
        // Current records alone: no stream note.
        let clean = dir.appendingPathComponent("clean.jsonl")
        try Self.write([try recs[0].jsonLine()], clean)
        #expect(try AuditCommand.parse([clean.path]).auditJSONL(clean.path).notes.allSatisfy { !$0.contains("streamSpec") })
    }

    @Test("audit: a version 2 record without streamSpec, a version 1 record with one, and version 3 are malformed")
    func auditMalformedVersions() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let recs = try Self.predictRecords(3)
        var missing = recs[0]; missing.streamSpec = nil
        var v1With = recs[1]; v1With.version = 1
        var v3 = recs[2]; v3.version = 3
        let path = dir.appendingPathComponent("bad.jsonl")
        try Self.write([try missing.jsonLine(), try v1With.jsonLine(), try v3.jsonLine()], path)
        let report = try AuditCommand.parse([path.path]).auditJSONL(path.path)
        #expect(report.failures == 3, "\(report.findings)")
        let reasons = Dictionary(uniqueKeysWithValues: report.findings.map { ($0.line, $0.kind + ": " + $0.reason) })
        #expect(reasons[1]?.contains("malformed: \(path.path):1: field streamSpec is missing") == true, "\(reasons)")
        #expect(reasons[2]?.contains("field streamSpec (2) in a version 1 record") == true, "\(reasons)")
        #expect(reasons[3]?.contains("field version is 3, this build reads versions 1 to 2") == true, "\(reasons)")
    }

    @Test("sample --json prints streamSpec")
    func sampleJSON() throws {
        let s = try SampleCommand.parse(["--noise", "discrete-gaussian", "--sigma2", "4", "--seed", RunStandIns.seed.hex, "--count", "3", "--json"])
        let text = String(decoding: try CanonicalJSON.encode(try s.output()), as: UTF8.self)
        #expect(text.contains("\"streamSpec\" : \(StreamSpecification.version)"), "\(text)")
    }
}
