import Foundation
import Testing
import IntRSRun

/// The README's example of calling certify from Swift ("Using IntRS from Swift"), compiled against the public
/// API only (a plain `import IntRSRun`, no `@testable`) and run on the shipped digits model and test set.
@Suite("README: certify from Swift")
struct ReadmeExampleTests {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/IntRSCLI/Resources")

    @Test("the README example certifies and writes the outputs")
    func readmeExample() throws {
        let modelPath = Self.resources.appendingPathComponent("digits-cnn.v1.json").path
        let dataPath = Self.resources.appendingPathComponent("digits-test.v1.json").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-readme-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        var lines: [String] = []
        func print(_ s: String) { lines.append(s) }

        // --- README example begins ---
        var run = RunConfiguration(procedure: .certify, modelPath: modelPath, dataPath: dataPath)
        run.n = 200                                            // estimation samples N (the CLI's default: 100,000)
        run.n0 = 20                                            // selection samples N0
        run.selection = ExampleSelection(every: 40, limit: 3)  // examples 0, 40, 80
        run.floatBaseline = false
        run.tableCache = out.appendingPathComponent("tables")  // where a certificate table built afresh is cached
        let result = try SmoothingRunner.execute(run) { progress in print(progress) }
        for r in result.records {
            // n*: robust for every integer perturbation delta with |delta|^2 < n* (grid units); 0 = abstain
            print("example \(r.index): \(r.abstain ? "abstains" : "class \(r.prediction), n* = \(r.certifiedNorm2)")")
        }
        let written = try SmoothingRunner.write(result, to: RunOutputs(directory: out.path))  // certify.jsonl, .tsv, .svg
        // --- README example ends ---

        #expect(result.records.map(\.index) == [0, 40, 80])
        #expect(written.count == 3 && written.allSatisfy { FileManager.default.fileExists(atPath: $0) }, "\(written)")
        #expect(lines.contains { $0.hasPrefix("example 40: ") }, "\(lines)")
        // The library's records are the command's: every certificate re-derived by the audit.
        let report = try RecordAudit().auditJSONL(out.appendingPathComponent("certify.jsonl").path)
        #expect(report.failures == 0 && report.linesChecked == 3)
    }
}
