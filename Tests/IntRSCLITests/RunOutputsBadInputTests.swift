import Foundation
import Testing
import IntRSCore
import IntRSExact
@testable import IntRSCLI
@testable import IntRSRun

/// Bad input around a run's outputs (found by QA of issue 6): no partial set of outputs, an empty file is never
/// a clean audit, merge refuses an incomplete or mixed set of shards and names what differs.
@Suite("run outputs: bad input")
struct RunOutputsBadInputTests {
    static func tempDir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("intrs-qa6-\(UUID().uuidString)")
    }

    /// Writes `--shard i/n` outputs of the stand-in run (int8 only) and returns their .jsonl paths.
    static func shards(_ n: Int, dir: URL, seedHex: String? = nil) throws -> [String] {
        var setup = try RunStandIns.setup(threads: 1)
        if let s = seedHex { setup.constants.seedHex = s }
        var o = try SmoothingOptions.parse(["--output-dir", dir.path, "--no-time", "--every", "1"])
        var out: [String] = []
        for i in 0..<n {
            let sh = Shard(index: i, count: n)
            o.shard = "\(i)/\(n)"
            let recs = try SmoothingRun.certify(setup, examples: o.select(RunStandIns.examples, shard: sh), progress: { _ in })
            out.append(try SmoothingCommandRunner.writeOutputs(procedure: .certify, options: o, shard: sh, records: recs,
                                                               float: nil, gridScale: Rational(1, 16))[0])
        }
        return out
    }

    static func mergeError(_ files: [String], into dir: URL) -> String? {
        do {
            let m = try MergeCommand.parse(files + ["--output-dir", dir.path])
            try m.run()
            return nil
        } catch { return "\(error)" }
    }

    @Test("merge refuses an incomplete set of shards and shards of different splits, and writes nothing")
    func incompleteShardSet() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let three = try Self.shards(3, dir: dir.appendingPathComponent("three"))
        let out = dir.appendingPathComponent("merged")
        let e1 = Self.mergeError([three[0], three[2]], into: out)
        #expect(e1?.contains("shard 1/3 missing") == true, "\(e1 ?? "merged")")
        let two = try Self.shards(2, dir: dir.appendingPathComponent("two"))
        // 0/2 and 1/3 overlap (example 3 is position 3 in 0/2's and 1/3's selection) or mix splits: refused either way.
        let e2 = Self.mergeError([two[0], three[1], three[2]], into: out)
        #expect(e2 != nil)
        #expect(!FileManager.default.fileExists(atPath: out.path), "a refused merge must not write outputs")
        // The complete set merges.
        #expect(Self.mergeError(three, into: out) == nil)
    }

    @Test("merge names the files and the field when shards come from different runs")
    func differentRunsNamed() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try Self.shards(2, dir: dir.appendingPathComponent("a"))
        let b = try Self.shards(2, dir: dir.appendingPathComponent("b"), seedHex: String(repeating: "ab", count: 32))
        let e = Self.mergeError([a[0], b[1]], into: dir.appendingPathComponent("m")) ?? ""
        #expect(e.contains("seed") && e.contains(b[1]) && e.contains(a[0]) && !e.contains("sigma2 \""), "\(e)")
    }

    @Test("an empty shard (more shards than examples) writes empty outputs that merge accepts")
    func emptyShard() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let n = RunStandIns.examples.count + 1
        let files = try Self.shards(n, dir: dir.appendingPathComponent("s"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: files[n - 1])).isEmpty)
        #expect(Self.mergeError(files, into: dir.appendingPathComponent("m")) == nil)
    }

    @Test("outputs are written all or none: a failing destination leaves the others untouched")
    func allOrNothing() throws {
        let dir = Self.tempDir()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("blocked.svg"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.jsonl"), b = dir.appendingPathComponent("a.tsv")
        try Data("old\n".utf8).write(to: a)
        #expect(throws: (any Error).self) {
            _ = try RunReports.write([(a, "new\n"), (b, "new\n"), (dir.appendingPathComponent("blocked.svg"), "x")])
        }
        #expect(try String(contentsOf: a, encoding: .utf8) == "old\n")
        #expect(!FileManager.default.fileExists(atPath: b.path))
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(left == ["a.jsonl", "blocked.svg"], "\(left)")
        #expect(throws: (any Error).self) { try RunReports.preflight([dir.appendingPathComponent("blocked.svg")]) }
        #expect(throws: (any Error).self) { try RunReports.preflight([a.appendingPathComponent("x.tsv")]) }
        #expect(throws: Never.self) { try RunReports.preflight([dir.appendingPathComponent("new/dir/x.tsv")]) }
    }

    @Test("a run without the float baseline removes an earlier run's baseline files from its output directory")
    func staleBaselineRemoved() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let o = try SmoothingOptions.parse(["--output-dir", dir.path, "--no-time", "--every", "1"])
        let with = try FloatBaselineMergeTests.run(o, shard: nil, examples: RunStandIns.examples)
        #expect(FileManager.default.fileExists(atPath: with[3]) && FileManager.default.fileExists(atPath: with[4]))
        let recs = try SmoothingRun.certify(RunStandIns.setup(threads: 1), examples: Array(RunStandIns.examples.prefix(2)), progress: { _ in })
        let without = try SmoothingCommandRunner.writeOutputs(procedure: .certify, options: o, shard: nil, records: recs,
                                                              float: nil, gridScale: Rational(1, 16))
        #expect(without.count == 3)
        #expect(!FileManager.default.fileExists(atPath: with[3]) && !FileManager.default.fileExists(atPath: with[4]))
    }

    @Test("audit of an empty file or a header-only TSV fails; a float-baseline file is named as such")
    func auditEmptyAndWrongKind() throws {
        let dir = Self.tempDir()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("e.jsonl"), blank = dir.appendingPathComponent("b.jsonl")
        let header = dir.appendingPathComponent("h.tsv"), float = dir.appendingPathComponent("f.jsonl")
        try Data().write(to: empty)
        try Data("\n  \n".utf8).write(to: blank)
        try Data("idx\tlabel\tpredict\tradius\tcorrect\ttime\n".utf8).write(to: header)
        try Data("{\"format\":\"intrs-float-baseline-record\",\"version\":1}\n".utf8).write(to: float)
        for f in [empty, blank] {
            let a = try AuditCommand.parse([f.path])
            #expect(throws: (any Error).self) { try a.run() }
        }
        let t = try AuditCommand.parse(["--cohen-tsv", header.path, "--sigma", "0.25", "--n", "1000", "--alpha", "0.001"])
        #expect(throws: (any Error).self) { try t.run() }
        // Cohen's certify TSV has exactly 6 columns: a 5-column line (e.g. predict.py's format) or a 7-column one is malformed.
        let cols = dir.appendingPathComponent("c.tsv")
        try Data("idx\tlabel\tpredict\tradius\tcorrect\ttime\n0\t1\t1\t1\t0:00:01\n1\t1\t1\t0.5\t1\t0:00:01\tx\n".utf8).write(to: cols)
        let c = try AuditCommand.parse(["--cohen-tsv", cols.path, "--sigma", "0.25", "--n", "1000", "--alpha", "0.001"])
            .auditTSV(cols.path, sigmaText: "0.25", n: 1000, alphaText: "0.001")
        #expect(c.findings.map(\.kind) == ["malformed", "malformed"], "\(c.findings)")
        let r = try AuditCommand.parse([float.path]).auditJSONL(float.path)
        #expect(r.failures == 1 && r.findings.first?.reason.contains("intrs-float-baseline-record") == true, "\(r.findings)")
    }

    @Test("certify re-derives its certificates before writing: a tampered cached table writes nothing")
    func tamperedCachedTable() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["--n", "200", "--n0", "20", "--limit", "3", "--every", "7", "--threads", "1", "--output-dir", dir.path,
                    "--no-time", "--quiet", "--json", "--no-float-baseline"]
        try CertifyCommand.parse(args).run()                      // builds and caches the table; passes its self-audit
        let tables = dir.appendingPathComponent("tables")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: tables.path).first { $0.hasSuffix(".json") })
        let url = tables.appendingPathComponent(name)
        var t = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var steps = t["steps"] as! [[String: Any]]
        for i in steps.indices { steps[i]["minCount"] = max(101, (steps[i]["minCount"] as! Int) - 25) }
        t["steps"] = steps
        try JSONSerialization.data(withJSONObject: t).write(to: url)
        for f in ["certify.jsonl", "certify.tsv", "certify.svg"] { try FileManager.default.removeItem(at: dir.appendingPathComponent(f)) }
        do { try CertifyCommand.parse(args).run(); Issue.record("a run with a tampered table wrote its outputs") }
        catch { #expect("\(error)".contains("rebuild-table"), "\(error)") }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("certify.jsonl").path))
        try CertifyCommand.parse(args + ["--rebuild-table"]).run()  // a fresh table passes again
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("certify.jsonl").path))
    }

    @Test("predict.tsv is in Cohen's predict.py format (idx label predict correct time, no radius)")
    func predictTSVFormat() throws {
        let recs = try SmoothingRun.predict(RunStandIns.setup(threads: 1), examples: Array(RunStandIns.examples.prefix(3)), progress: { _ in })
        let files = try RunReports.outputFiles(procedure: "predict", dir: URL(fileURLWithPath: "/tmp"), base: "predict",
                                               jsonl: URL(fileURLWithPath: "/tmp/p.jsonl"), tsv: URL(fileURLWithPath: "/tmp/p.tsv"),
                                               records: recs, float: nil, gridScale: Rational(1, 16))
        let lines = files[1].1.split(separator: "\n")
        #expect(lines[0] == "idx\tlabel\tpredict\tcorrect\ttime")
        #expect(lines.count == 4 && lines.allSatisfy { $0.split(separator: "\t").count == 5 })
    }

    @Test("a data set given as --model (and a model as --data) is named by its format field")
    func wrongKindOfFile() throws {
        let dataset = Data("{\"format\": \"intrs-grid-dataset\", \"version\": 1}".utf8)
        do { try SmoothingParts.checkFormat(dataset, file: "d.json", option: "--model", expected: Int8Model.formatName); Issue.record("accepted") }
        catch { #expect("\(error)".contains("intrs-grid-dataset") && "\(error)".contains("as --data"), "\(error)") }
        #expect(throws: Never.self) { try SmoothingParts.checkFormat(dataset, file: "d.json", option: "--data", expected: GridDataset.formatName) }
        // Not JSON, or no format field: left to the full decoder's message.
        #expect(throws: Never.self) { try SmoothingParts.checkFormat(Data("x".utf8), file: "g", option: "--model", expected: Int8Model.formatName) }
    }

    @Test("certify options: negative numbers are read as values and rejected by range; tight needs discrete-gaussian")
    func optionValues() throws {
        for (args, needle) in [(["--n", "-5"], "--n -5"), (["--n0", "-1"], "--n0 -1"), (["--threads", "-2"], "--threads -2"),
                               (["--noise", "rounded-gaussian", "--radius-mode", "tight"], "--radius-mode tight")] {
            // Checked while parsing (SmoothingOptions.validate), before any work.
            do { _ = try SmoothingOptions.parse(args); Issue.record("\(args) accepted") } catch {
                #expect(SmoothingOptions.message(for: error).contains(needle), "\(error)")
            }
        }
        let s = try SmoothingOptions.parse(["--shard", "-1/2"])
        #expect(throws: (any Error).self) { _ = try Shard.parse(s.shard!) }
        let audit = try AuditCommand.parse(["--cohen-tsv", "x.tsv", "--sigma", "0.25", "--n", "-3", "--alpha", "0.001"])
        do { try audit.run(); Issue.record("audit --n -3 accepted") } catch { #expect("\(error)".contains("--n -3"), "\(error)") }
        let g = try SmoothingOptions.parse(["--sigma", "-1"])
        #expect(throws: (any Error).self) { _ = try g.parsedSigma2(gridScale: Rational(1, 16)) }
    }
}
