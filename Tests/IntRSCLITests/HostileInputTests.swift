import Foundation
import Testing
import IntRSCore
import IntRSExact
@testable import IntRSCLI
@testable import IntRSRun

/// Issue 16: inputs found by a hostile test pass that crashed (Swift traps) or hung; each is now refused
/// with a usage error (exit 64) naming the option and value, before any work.
@Suite("hostile input: crashes and hangs (issue 16)")
struct HostileInputTests {
    @Test("numeric options that used to trap are usage errors naming the option", arguments: [
        (["certify", "--n0", "4294967297"], "--n0 4294967297"),
        (["certify", "--n0", "2147483649"], "--n0 2147483649"),
        (["certify", "--alpha", "1e-400"], "--no-float-baseline"),
        (["certify", "--alpha", "0.99999999999999999999"], "--no-float-baseline"),
        (["bench", "int8", "--sigma2", "1e300"], "--sigma2"),
        (["bench", "int8", "--sigma", "32"], "--sigma2 in grid units squared"),
        (["bench", "int8", "--threads", "-1"], "--threads -1"),
        (["bench", "smoothing", "--sigma2", "1e999"], "outside the supported domain"),
        (["bench", "smoothing", "--sigma2", "123456789012345/1234567890123"], "fast CKS sampler"),
        (["bench", "smoothing", "--samples", "-5"], "--samples -5"),
    ])
    func numericOptions(_ args: [String], _ expected: String) throws {
        let f = try #require(CLITest.failure(args), "\(args) succeeded")
        #expect(f.exitCode == 64, "exit \(f.exitCode) for \(args): \(f.message)")
        #expect(f.message.contains(expected), "\(args): \(f.message)")
    }

    @Test("bench int8 --model with a missing file is an error, not the built-in model")
    func benchModelMissing() throws {
        let f = try #require(CLITest.failure(["bench", "int8", "--model", "/nonexistent/model.json"]))
        #expect(f.message.contains("/nonexistent/model.json") && f.message.contains("no such file"), "\(f.message)")
    }

    @Test("the SVG's radius axis has a bounded number of ticks whatever the radii")
    func svgTicksBounded() throws {
        var recs = try SmoothingRun.certify(try RunStandIns.setup(threads: 1), examples: RunStandIns.examples, progress: { _ in })
        for huge in [1e4, 1.8e19, 1e300, Double.infinity] {
            recs[0].correct = true; recs[0].abstain = false; recs[0].radiusReal = huge
            let t0 = Date()
            let s = RunReports.svg(records: recs, float: nil, gridScale: Rational(1, 16), title: "t")
            #expect(Date().timeIntervalSince(t0) < 5)
            #expect(s.utf8.count < 20_000, "\(huge): \(s.utf8.count) bytes")
            #expect(s.components(separatedBy: "text-anchor=\"middle\">").count - 1 <= RunReports.maxTicks + 3, "\(huge)")
        }
    }

    @Test("the SVG keeps its ticks for ordinary radii (0.125 steps up to 2 real units)")
    func svgTicksUnchanged() throws {
        var recs = try SmoothingRun.certify(try RunStandIns.setup(threads: 1), examples: RunStandIns.examples, progress: { _ in })
        recs[0].correct = true; recs[0].abstain = false; recs[0].radiusReal = 1.5
        let s = RunReports.svg(records: recs, float: nil, gridScale: Rational(1, 16), title: "t")
        // maxR = 1.575: ticks 0, 0.125, ..., 1.5 (13 ticks).
        #expect(s.contains(">1.5</text>") && s.contains(">0.125</text>") && !s.contains(">1.62</text>"))
    }

    @Test("long numbers in error messages are abbreviated")
    func longNumbersAbbreviated() {
        let big = "1" + String(repeating: "0", count: 1000)
        let s = PrintedValue.abbreviatingLongNumbers(in: "--sigma2 \(big)/3: outside")
        #expect(s == "--sigma2 10000000000000000000...(973 digits)...00000000/3: outside")
        let seed = String(repeating: "7", count: 64)
        #expect(PrintedValue.abbreviatingLongNumbers(in: seed) == seed)
    }
}

@Suite("hostile input: wrong pairings (issue 16)")
struct HostileInputPairingTests {
    @Test("a data set whose class count differs from the model's outputs is refused before any work")
    func classCountMismatch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-i16-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try #require(ShippedDefaults.url(SmoothingDefaults.dataResource))
        var d = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        d["numberOfClasses"] = 11
        d.removeValue(forKey: "classNames")
        let path = dir.appendingPathComponent("d.json")
        try JSONSerialization.data(withJSONObject: d).write(to: path)
        let f = try #require(CLITest.failure(["certify", "--data", path.path, "--n", "10", "--n0", "5", "--limit", "1",
                                              "--output-dir", dir.path, "--quiet"]))
        #expect(f.message.contains("numberOfClasses = 11") && f.message.contains("10 outputs"), "\(f.message)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("certify.jsonl").path))
    }
}

@Suite("hostile input: small ones (issue 16)")
struct HostileInputSmallTests {
    @Test("predict refuses certificate options instead of ignoring them", arguments: [
        ["predict", "--radius-mode", "tight"], ["predict", "--rebuild-table"], ["predict", "--certificate-table", "t.json"],
        // (small, into a scratch directory: if the refusal were lost the run would be short and harmless)
        ["predict", "--n0", "50", "--n", "10", "--limit", "1", "--quiet", "--output-dir", NSTemporaryDirectory() + "intrs-predict-n0-unused"],
    ])
    func predictRefusesCertificateOptions(_ args: [String]) throws {
        let f = try #require(CLITest.failure(args))
        #expect(f.exitCode == 64 && f.message.contains("intrs predict"), "\(f.message)")
    }

    @Test("vectors check without a Vectors directory says so and where it looked")
    func vectorsCheckOutsideRepository() throws {
        let f = try #require(CLITest.failure(["vectors", "check", "--directory", "/nonexistent/Vectors"]))
        #expect(f.message.contains("no vectors directory at /nonexistent/Vectors"), "\(f.message)")
    }

    @Test("non-regular files are named for what they are")
    func nonRegularFiles() {
        #expect(fileReadFailureReason(path: "/dev/null", CocoaError(.fileReadNoPermission)).contains("character device"))
        #expect(nonRegularFileKind("/tmp") == nil)
    }

    @Test("ordinals read as English")
    func ordinals() {
        #expect([1, 2, 3, 4, 11, 12, 13, 20, 21, 22, 101, 111].map(SmoothingCommandRunner.ordinal)
                == ["example", "2nd", "3rd", "4th", "11th", "12th", "13th", "20th", "21st", "22nd", "101st", "111th"])
    }
}
