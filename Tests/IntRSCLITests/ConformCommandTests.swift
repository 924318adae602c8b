import Foundation
import Testing
@testable import IntRSCLI
@testable import IntRSRun
import IntRSConformance

/// `intrs vectors export` and `intrs conform` through the command line: exit statuses and error messages.
@Suite("intrs conform and intrs vectors export")
struct ConformCommandTests {
    static let vectors = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vectors").path

    @Test func exitStatusFollowsTheRuleAskedFor() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-conform-cli-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pack = dir.appendingPathComponent("pack").path
        #expect(CLITest.failure(["vectors", "export", "--directory", Self.vectors, "--suite", "int8-rules", "-o", pack]) == nil)
        let p = try JSONDecoder().decode(ConformancePack.self, from: Data(contentsOf: URL(fileURLWithPath: pack + "/pack.json")))
        // A runtime that follows double rounding, reporting only the model outputs.
        let cases: [[String: Any]] = p.cases.map { c in
            let out = p.models.first { $0.name == c.model }!.output
            let t = c.expected["double-rounding"]![out]!
            return ["id": c.id, "outputs": [out: ["dtype": t.dtype, "shape": t.shape, "data": t.data]]]
        }
        let outs = dir.appendingPathComponent("outs.json")
        try JSONSerialization.data(withJSONObject: ["format": "intrs-runtime-outputs", "version": 1, "runtime": ["name": "t"],
                                                    "runs": [["name": "one", "cases": cases]]]).write(to: outs)
        let md = dir.appendingPathComponent("report.md").path
        #expect(CLITest.failure(["conform", pack, outs.path, "--rule", "double-rounding", "--markdown", md]) == nil)
        #expect(try String(contentsOfFile: md, encoding: .utf8).contains("double-rounding: conforms"))
        #expect(CLITest.failure(["conform", pack, outs.path]) == nil)
        #expect(CLITest.failure(["conform", pack, outs.path, "--rule", "single-rounding"])?.exitCode == 1)
        #expect(CLITest.failure(["conform", pack, outs.path, "--rule", "conv2d=double-rounding"])?.exitCode == 1)
        let bad = CLITest.failure(["conform", pack, outs.path, "--rule", "nearest"])
        #expect(bad?.exitCode == 64 && bad?.message.contains("--rule nearest") == true)
        let missing = CLITest.errorMessage(["conform", pack, dir.appendingPathComponent("none.json").path])
        #expect(missing?.contains("none.json") == true, "\(missing ?? "accepted")")
        #expect(CLITest.failure(["vectors", "export", "--suite", "int8-rules", "--model", "m.json", "-o", pack])?.exitCode == 64)
        #expect(CLITest.errorMessage(["vectors", "export", "--directory", Self.vectors, "--suite", "int8-rescale", "-o", pack])?.contains("no export for suite") == true)
    }
}
