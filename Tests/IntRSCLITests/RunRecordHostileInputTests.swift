import Foundation
import Testing
import IntRSCore
import IntRSExact
@testable import IntRSCLI
@testable import IntRSRun

/// Issue 16 (items 3, 4, 5, 6, 10, 11, 18) and issue 14 part 2 item 2: hand-made hostile run records. Every one is a
/// malformed line naming its field (never a trap), the other lines are still checked, and merge refuses what audit
/// refuses (both read through RunRecordReader, which applies RunRecordValidation).
@Suite("run records: hostile values")
struct RunRecordHostileInputTests {
    static func predictRecords(_ k: Int) throws -> [RunRecord] { try RunRecordStreamSpecTests.predictRecords(k) }

    /// Audits `bad` (line 1) followed by a good record (line 2).
    static func audit(_ bad: RunRecord) throws -> AuditCommand.Report {
        let dir = try RunRecordStreamSpecTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try predictRecords(2)[1]
        let path = dir.appendingPathComponent("hostile.jsonl")
        try RunRecordStreamSpecTests.write([try bad.jsonLine(), try good.jsonLine()], path)
        return try AuditCommand.parse([path.path]).auditJSONL(path.path)
    }

    static func hostile() throws -> [(String, RunRecord, String)] {
        let r = try predictRecords(1)[0]
        var out: [(String, RunRecord, String)] = []
        func add(_ what: String, _ field: String, _ change: (inout RunRecord) -> Void) {
            var x = r; change(&x); out.append((what, x, field))
        }
        // Crashes (issue 16, items 3 to 6).
        add("index -1", "field index is -1") { $0.index = -1 }
        add("index 2^32", "field index is 4294967296") { $0.index = 1 << 32 }
        add("a count of 2^63 - 1", "field counts[0] is 9223372036854775807") { $0.counts[0] = Int.max }
        add("n = 2^63 - 1", "field n is 9223372036854775807") { $0.n = Int.max }
        add("time 1e300", "field time is 1e+300") { $0.time = 1e300 }
        add("negative time", "field time is -1.0") { $0.time = -1 }
        // Configurations that do not determine a sound certificate (issue 14, part 2, item 2).
        add("table sampler, TV charge dropped", "field tableBits is missing with sampler \"table\"") {
            $0.sampler = "table"; $0.tableBits = nil; $0.tvBoundPerCoordinate = "0"
        }
        add("unknown sampler", "field sampler is \"fast\"") { $0.sampler = "fast" }
        add("continuous noise", "field noise is \"continuous\"") { $0.noise = "continuous" }
        add("unknown procedure", "field procedure is \"guess\"") { $0.procedure = "guess" }
        add("exact sampler for rounded-gaussian", "field sampler is \"exact\" with noise \"rounded-gaussian\"") { $0.noise = "rounded-gaussian" }
        add("table bits 48", "field tableBits is 48") { $0.sampler = "table"; $0.tableBits = 48 }
        add("sigma2 outside the laws' domain", "field sigma2 is \"1e9\"") { $0.sigma2 = "1e9" }
        add("predict with a radius mode", "field radiusMode is \"tight\" in a predict record") { $0.radiusMode = "tight" }
        return out
    }

    @Test("audit: each hostile record is a malformed line naming the field; the next line is still checked")
    func auditRefuses() throws {
        for (what, bad, field) in try Self.hostile() {
            let report = try Self.audit(bad)
            #expect(report.linesChecked == 2, "\(what)")
            #expect(report.failures == 1, "\(what): \(report.findings)")
            let f = report.findings.filter { $0.line == 1 }
            #expect(f.count == 1 && f[0].kind == "malformed" && f[0].reason.contains(field), "\(what): \(f)")
            #expect(!report.findings.contains { $0.line == 2 && $0.kind != "note" }, "\(what): \(report.findings)")
        }
    }

    @Test("audit: certify records outside the documented enumerations are refused (tight with rounded noise, two-class with discrete)")
    func auditRefusesModes() throws {
        let c = try SmoothingRun.certify(RunStandIns.setup(threads: 1), examples: Array(RunStandIns.examples.prefix(1)), progress: { _ in })[0]
        for (change, field) in [({ (r: inout RunRecord) in r.radiusMode = "exact" }, "field radiusMode is \"exact\""),
                                ({ (r: inout RunRecord) in r.radiusMode = "tight"; r.noise = "rounded-gaussian"; r.sampler = "table"; r.tableBits = 32 }, "tight mode is defined for discrete-gaussian noise only"),
                                ({ (r: inout RunRecord) in r.radiusMode = "two-class" }, "sound for rounded-gaussian noise only")] {
            var r = c; change(&r)
            let f = try Self.audit(r).findings.filter { $0.line == 1 }
            #expect(f.count == 1 && f[0].kind == "malformed" && f[0].reason.contains(field), "\(f)")
        }
    }

    @Test("merge refuses what audit refuses, naming the file, line and field (time 1e300 used to trap)")
    func mergeRefuses() throws {
        let dir = try RunRecordStreamSpecTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try Self.predictRecords(2)[1]
        for (what, bad, field) in try Self.hostile() {
            let a = dir.appendingPathComponent("a.jsonl"), b = dir.appendingPathComponent("b.jsonl")
            try RunRecordStreamSpecTests.write([try bad.jsonLine()], a)
            try RunRecordStreamSpecTests.write([try good.jsonLine()], b)
            let out = dir.appendingPathComponent("out")
            do {
                try MergeCommand.parse([a.path, b.path, "--output-dir", out.path]).run()
                Issue.record("merged \(what)")
            } catch {
                #expect("\(error)".contains("\(a.path):1: \(field)"), "\(what): \(error)")
            }
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(what)")
        }
    }

    @Test("merge refuses an internally inconsistent record (a radius that is not sqrt(n*) x gridScale) instead of writing it")
    func mergeChecksConsistency() throws {
        let dir = try RunRecordStreamSpecTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let recs = try SmoothingRun.certify(RunStandIns.setup(threads: 1), examples: Array(RunStandIns.examples.prefix(2)), progress: { _ in })
        var bad = recs[0]; bad.radiusReal = 1000
        let a = dir.appendingPathComponent("certify.shard-0-of-2.jsonl"), b = dir.appendingPathComponent("certify.shard-1-of-2.jsonl")
        try RunRecordStreamSpecTests.write([try bad.jsonLine()], a)
        try RunRecordStreamSpecTests.write([try recs[1].jsonLine()], b)
        let out = dir.appendingPathComponent("out")
        do {
            try MergeCommand.parse([a.path, b.path, "--output-dir", out.path]).run()
            Issue.record("merged a record whose radiusReal is 1000")
        } catch {
            #expect("\(error)".contains("\(a.path):1 (example \(bad.index)): inconsistent: radiusReal 1000.0 is not radius x gridScale"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // The consistent shards merge.
        try RunRecordStreamSpecTests.write([try recs[0].jsonLine()], a)
        try MergeCommand.parse([a.path, b.path, "--output-dir", out.path]).run()
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("certify.tsv").path))
    }

    @Test("merge refuses a float-baseline record with time 1e300 (it used to trap printing the TSV)")
    func mergeRefusesFloatTime() throws {
        let dir = try RunRecordStreamSpecTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SmoothingRun.certify(RunStandIns.setup(threads: 1), examples: Array(RunStandIns.examples.prefix(1)), progress: { _ in })[0]
        let f = FloatBaselineRecord(index: r.index, label: r.label, prediction: -1, abstain: true, correct: false, candidate: 0,
                                    counts: r.counts, selectionCounts: r.selectionCounts ?? [], nA: r.counts[0], n: r.n, n0: r.n0 ?? 0,
                                    alpha: r.alpha, pALower: 0.1, radius: nil, sigma: 3, gridScale: r.gridScale, seed: r.seed,
                                    modelSHA256: r.modelSHA256, dataSHA256: r.dataSHA256, time: 1e300)
        let a = dir.appendingPathComponent("certify.jsonl"), fa = dir.appendingPathComponent("certify-float.jsonl")
        try RunRecordStreamSpecTests.write([try r.jsonLine()], a)
        try RunRecordStreamSpecTests.write([try f.jsonLine()], fa)
        let out = dir.appendingPathComponent("out")
        do {
            try MergeCommand.parse([a.path, fa.path, "--output-dir", out.path]).run()
            Issue.record("merged a float-baseline record with time 1e300")
        } catch {
            #expect("\(error)".contains("\(fa.path):1: field time is 1e+300"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(RunReports.cohenTime(1e300) == "277777777:46:40")   // clamped to 1e12 s, never a trap   // clamped, never a trap
    }

    @Test("clopper-pearson --trials 2^63 - 1 answers (n + 1 used to overflow)")
    func clopperPearsonHugeN() throws {
        #expect(CLITest.failure(["clopper-pearson", "--trials", "9223372036854775807", "--successes", "9223372036854775000", "--alpha", "0.001"]) == nil)
        let b = try AuditMath.clopperPearsonLower(successes: 5, trials: Int.max, alpha: Rational(1, 1000))
        #expect(b > Rational(0) && b < Rational(1, 1 << 60))
    }

    @Test("audit streams: 20,000 malformed lines are all counted, at most --max-findings are listed")
    func boundedFindings() throws {
        let dir = try RunRecordStreamSpecTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try Self.predictRecords(1)[0]
        let path = dir.appendingPathComponent("many.jsonl")
        var text = try good.jsonLine() + "\n"
        for i in 0 ..< 20_000 { text += "{\"format\": \"intrs-run-record\", \"junk\": \(i)}\n" }
        text += String(repeating: "x", count: RunRecordReader.maxLineBytes + 10) + "\n"   // a line too long to hold
        text += try good.jsonLine() + "\n"
        try Data(text.utf8).write(to: path)
        let report = try AuditCommand.parse([path.path, "--max-findings", "25"]).auditJSONL(path.path)
        #expect(report.linesChecked == 20_003)
        #expect(report.failures == 20_001)
        #expect(report.findings.count == 25)
        #expect(report.findingsNotShown == 19_976)
        #expect(report.notes.contains { $0.contains("19976 more findings not shown") }, "\(report.notes)")
        // The overlong line is reported by number, and the line after it is read.
        let all = try AuditCommand.parse([path.path, "--max-findings", "100000"]).auditJSONL(path.path)
        #expect(all.findings.contains { $0.line == 20_002 && $0.reason.contains("line longer than") })
        #expect(!all.findings.contains { $0.line == 20_003 && $0.kind != "note" })
    }

    @Test("audit --cohen-tsv: the same cap on listed findings, every line counted")
    func boundedTSVFindings() throws {
        let dir = try RunRecordStreamSpecTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("many.tsv")
        var text = "idx\tlabel\tpredict\tradius\tcorrect\ttime\n"
        for i in 0 ..< 5_000 { text += "\(i)\tbad\n" }
        try Data(text.utf8).write(to: path)
        let report = try AuditCommand.parse(["--cohen-tsv", path.path, "--sigma", "0.25", "--n", "1000", "--alpha", "0.001", "--max-findings", "7"])
            .auditTSV(path.path, sigmaText: "0.25", n: 1000, alphaText: "0.001")
        #expect(report.linesChecked == 5_000 && report.failures == 5_000)
        #expect(report.findings.count == 7 && report.findingsNotShown == 4_993)
    }

    @Test("tight audit: a raised n* is refuted by a single-part shift without enumerating up to the claim")
    func tightRaisedClaimIsCheap() throws {
        var cache = AuditMath.TightCache()
        let clock = ContinuousClock()
        let t0 = clock.now
        // sigma2 = 9, d = 64: pA_eff = 0.99 certifies |delta|^2 < about 50; claims of 300 and 2^63 - 1 are refuted at once
        // (an enumeration of every pattern up to norm 299 with 64 parts runs for minutes).
        for claim in [300, 10_000, Int.max] {
            #expect(try !AuditMath.tightCertifies(p: Rational(99, 100), norm2: claim, sigma2: Rational(9), dimension: 64, cache: &cache))
        }
        #expect(clock.now - t0 < .seconds(20))
        #expect(cache.values.allSatisfy { $0.maxNorm2 == 0 }, "no enumeration was needed")
        // A claim the single part allows is still decided by the enumeration (here: certified).
        #expect(try AuditMath.tightCertifies(p: Rational(99, 100), norm2: 5, sigma2: Rational(9), dimension: 64, cache: &cache))
    }
}
