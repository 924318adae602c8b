import Foundation
import Testing
import IntRSCore
import IntRSExact
@testable import IntRSCLI
@testable import IntRSRun

/// The main job end to end inside `swift test`: `intrs certify` on the shipped digits model (d = 64) with a
/// small N and a few examples, then `intrs audit` on its output, clean and tampered.
@Suite("main job end to end")
struct MainJobTests {
    static func tempDir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("intrs-main-\(UUID().uuidString)")
    }

    static func runCertify(_ dir: URL, extra: [String] = []) throws -> [String] {
        let c = try CertifyCommand.parse(["--n", "200", "--n0", "20", "--limit", "4", "--every", "7", "--threads", "2",
                                          "--output-dir", dir.path, "--no-time", "--quiet", "--json"] + extra)
        try c.run()
        _ = c
        let text = try String(contentsOf: dir.appendingPathComponent("certify.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    @Test("certify writes JSONL, TSV, SVG and the float baseline; audit passes the untouched file")
    func certifyThenAudit() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try Self.runCertify(dir)
        #expect(lines.count == 4)
        for f in ["certify.tsv", "certify.svg", "certify-float.tsv"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), "\(f) missing")
        }
        let tsv = try String(contentsOf: dir.appendingPathComponent("certify.tsv"), encoding: .utf8)
        #expect(tsv.hasPrefix("idx\tlabel\tpredict\tradius\tcorrect\ttime\n"))
        let audit = try AuditCommand.parse([dir.appendingPathComponent("certify.jsonl").path])
        let report = try audit.auditJSONL(dir.appendingPathComponent("certify.jsonl").path)
        #expect(report.failures == 0, "\(report.findings)")
        #expect(report.linesChecked == 4)
        // Records name the stream ids by example index (every 7th example).
        let r = try JSONDecoder().decode(RunRecord.self, from: Data(lines[1].utf8))
        #expect(r.index == 7 && r.streams.first?.example == 7)
    }

    @Test("audit catches a raised radius, a changed count and a malformed line, and checks the rest")
    func auditCatchesTampering() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines = try Self.runCertify(dir)
        var recs = try lines.map { try JSONDecoder().decode(RunRecord.self, from: Data($0.utf8)) }
        guard let i = recs.firstIndex(where: { !$0.abstain }) else { Issue.record("no certified example"); return }
        // 1. Raised radius, made internally consistent (radius fields follow n*).
        recs[i].certifiedNorm2 += 40
        recs[i].radius = Double(recs[i].certifiedNorm2).squareRoot()
        recs[i].radiusReal = recs[i].radius / 16
        lines[i] = try recs[i].jsonLine()
        // 2. A changed count on another line: nA and counts raised together, pA bound left as it was.
        // (the vote is taken from a class that has one: a negative count is refused by the reader as malformed)
        func donor(_ r: RunRecord) -> Int? { r.counts.indices.first { $0 != r.candidate && r.counts[$0] > 0 } }
        guard let j = recs.indices.first(where: { $0 != i && donor(recs[$0]) != nil }) else {
            Issue.record("every line gave every vote to its candidate"); return
        }
        recs[j].counts[recs[j].candidate] += 1
        recs[j].counts[donor(recs[j])!] -= 1
        recs[j].nA += 1
        lines[j] = try recs[j].jsonLine()
        // 3. A malformed line.
        lines.insert("{\"format\": \"intrs-run-record\", \"version\": 1, \"nA\": \"many\"}", at: 0)
        let path = dir.appendingPathComponent("tampered.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: path)
        let audit = try AuditCommand.parse([path.path])
        let report = try audit.auditJSONL(path.path)
        let failing = Set(report.findings.filter { $0.kind != "note" }.map { $0.line })
        #expect(failing == [1, i + 2, j + 2], "\(report.findings)")
        #expect(report.findings.contains { $0.line == i + 2 && $0.kind == "unsound" })
        #expect(report.findings.contains { $0.line == j + 2 && $0.reason.contains("Clopper-Pearson") })
        #expect(report.findings.contains { $0.line == 1 && $0.kind == "malformed" && $0.reason.contains(":1:") })
        #expect(report.linesChecked == 5)
        #expect(throws: (any Error).self) { try audit.run() }
    }

    @Test("a run is identical across thread counts and shardings (shipped model, exact CKS noise)")
    func shardedEqualsSingle() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let single = try Self.runCertify(dir.appendingPathComponent("single"), extra: ["--no-float-baseline"])
        var parts: [String] = []
        for s in 0..<2 {
            let c = try CertifyCommand.parse(["--n", "200", "--n0", "20", "--limit", "4", "--every", "7", "--threads", "1",
                                              "--shard", "\(s)/2", "--output-dir", dir.appendingPathComponent("shards").path,
                                              "--no-time", "--quiet", "--json", "--no-float-baseline"])
            try c.run()
            _ = c
            parts.append(dir.appendingPathComponent("shards/certify.shard-\(s)-of-2.jsonl").path)
        }
        let m = try MergeCommand.parse(parts + ["--output-dir", dir.appendingPathComponent("merged").path, "--json"])
        try m.run()
        _ = m
        let merged = try String(contentsOf: dir.appendingPathComponent("merged/certify.jsonl"), encoding: .utf8)
        #expect(merged == single.joined(separator: "\n") + "\n")
    }
}

/// Tight mode end to end at a small sigma (few shift patterns): certify, audit, and a raised n* caught.
@Suite("tight mode end to end")
struct TightModeTests {
    @Test("tight certificates pass the audit; a raised n* is unsound")
    func tight() throws {
        let dir = MainJobTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Examples 0 and 20 (the default selection took every 20th example when this test was written).
        let c = try CertifyCommand.parse(["--n", "300", "--n0", "20", "--every", "20", "--limit", "2", "--sigma2", "1", "--radius-mode", "tight",
                                          "--output-dir", dir.path, "--no-time", "--quiet", "--json", "--no-float-baseline"])
        try c.run()
        _ = c
        let path = dir.appendingPathComponent("certify.jsonl").path
        let audit = try AuditCommand.parse([path])
        #expect(try audit.auditJSONL(path).failures == 0)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        var recs = try lines.map { try JSONDecoder().decode(RunRecord.self, from: Data($0.utf8)) }
        guard let i = recs.firstIndex(where: { $0.certifiedNorm2 >= 2 }) else { Issue.record("no tight certificate beyond n* = 1: \(recs.map { $0.certifiedNorm2 })"); return }
        recs[i].certifiedNorm2 += 3
        recs[i].radius = Double(recs[i].certifiedNorm2).squareRoot()
        recs[i].radiusReal = recs[i].radius / 16
        lines[i] = try recs[i].jsonLine()
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let report = try audit.auditJSONL(path)
        #expect(report.findings.contains { $0.line == i + 1 && $0.kind == "unsound" }, "\(report.findings)")
    }
}
