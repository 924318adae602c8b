import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
import IntRSCore
@testable import IntRSCLI
@testable import IntRSRun

/// Issue 16, data safety: an output set is replaced all or none, also when a signal arrives; temporaries are
/// removed; outputs that coincide with each other or with an input are refused before any work.
@Suite("output safety (issue 16)", .serialized)
struct OutputSafetyTests {
    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-i16-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
    static func read(_ u: URL) -> String? { try? String(contentsOf: u, encoding: .utf8) }

    @Test("a SIGINT while the outputs are staged replaces nothing and leaves no temporary file")
    func interruptWhileStaging() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("certify.jsonl"), b = dir.appendingPathComponent("certify.tsv")
        try "old a\n".write(to: a, atomically: true, encoding: .utf8)
        try "old b\n".write(to: b, atomically: true, encoding: .utf8)
        var delivered: [Int32] = []
        var interruption = OutputCommit.Interruption()
        interruption.afterStaging = { raise(SIGINT) }   // a real signal, caught by the commit's handler
        interruption.deliver = { delivered.append($0) }   // the live one would end the process here
        #expect(throws: (any Error).self) {
            _ = try OutputCommit.commit([(a, "new a\n"), (b, "new b\n")], interruption: interruption)
        }
        #expect(delivered == [SIGINT])
        #expect(Self.read(a) == "old a\n" && Self.read(b) == "old b\n")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names.sorted() == ["certify.jsonl", "certify.tsv"], "\(names)")
    }

    @Test("without a signal every file is replaced and the stale temporaries of dead processes are removed")
    func commitAndStaleTemporaries() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("certify.jsonl")
        // pid 2^22 + 1 is above Linux's pid_max default range of live processes in this test.
        let stale = dir.appendingPathComponent("certify.jsonl.intrs-tmp-4194305")
        try "half\n".write(to: stale, atomically: true, encoding: .utf8)
        let removed = dir.appendingPathComponent("certify-float.tsv")
        try "old\n".write(to: removed, atomically: true, encoding: .utf8)
        _ = try OutputCommit.commit([(a, "new\n")], remove: [removed])
        #expect(Self.read(a) == "new\n")
        #expect(!FileManager.default.fileExists(atPath: stale.path), "a dead process's temporary is removed")
        #expect(!FileManager.default.fileExists(atPath: removed.path))
    }

    @Test("outputs that coincide with each other or with an input are refused before any work", arguments: [
        "jsonl-tsv", "jsonl-data", "tsv-model-symlink", "jsonl-hardlink-data",
    ])
    func coincidingPaths(_ kind: String) throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dataURL = try #require(ShippedDefaults.url(SmoothingDefaults.dataResource))
        let modelURL = try #require(ShippedDefaults.url(SmoothingDefaults.modelResource))
        let data = dir.appendingPathComponent("data.json")
        try FileManager.default.copyItem(at: dataURL, to: data)
        let before = try Data(contentsOf: data)
        var args = ["certify", "--data", data.path, "--n", "10", "--n0", "5", "--limit", "1", "--output-dir", dir.path, "--quiet"]
        let expected: String
        switch kind {
        case "jsonl-tsv":
            args += ["--jsonl", dir.appendingPathComponent("x.out").path, "--tsv", dir.appendingPathComponent("./x.out").path]
            expected = "are the same file"
        case "jsonl-data":
            args += ["--jsonl", dir.appendingPathComponent("sub/../data.json").path]
            expected = "would overwrite its own input"
        case "tsv-model-symlink":
            let link = dir.appendingPathComponent("link.tsv")
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: modelURL)
            args += ["--tsv", link.path]
            expected = "the model (--model)"
        default:
            let hard = dir.appendingPathComponent("hard.jsonl")
            try FileManager.default.linkItem(at: data, to: hard)
            args += ["--jsonl", hard.path]
            expected = "the data set (--data)"
        }
        let f = try #require(CLITest.failure(args), "\(kind) accepted")
        #expect(f.exitCode == 64 && f.message.contains(expected), "\(kind): \(f.message)")
        #expect(try Data(contentsOf: data) == before)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tables").path), "no work before the refusal")
    }

    @Test("an output path through a missing directory and .. is checked without a hang (it used to loop forever)")
    func outputPathThroughDotDot() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let through = URL(fileURLWithPath: dir.path + "/missing/../deeper/missing/../../x.jsonl")
        let (ancestor, isDirectory) = RunReports.nearestExistingAncestor(of: through)
        #expect(ancestor.standardizedFileURL.path == dir.standardizedFileURL.path && isDirectory, "\(ancestor.path)")
        let file = dir.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        let under = RunReports.nearestExistingAncestor(of: file.appendingPathComponent("missing/x.jsonl"))
        #expect(under.0.path == file.path && !under.isDirectory)
        // The whole run: refused when it names its own data set through "..", written otherwise.
        let dataURL = try #require(ShippedDefaults.url(SmoothingDefaults.dataResource))
        let data = dir.appendingPathComponent("data.json")
        try FileManager.default.copyItem(at: dataURL, to: data)
        let args = ["certify", "--data", data.path, "--n", "10", "--n0", "5", "--limit", "1", "--output-dir", dir.path, "--quiet",
                    "--no-float-baseline", "--jsonl", dir.path + "/sub/../other.jsonl"]
        #expect(CLITest.failure(args) == nil)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("other.jsonl").path))
    }
}
