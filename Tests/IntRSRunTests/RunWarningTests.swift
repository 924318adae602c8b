import Foundation
import Testing
@testable import IntRSRun

/// The run library's warnings reach the caller's `warn` callback as typed values (issue 15: the library writes
/// nothing to stderr), with the lines `intrs` has always printed.
@Suite("run warnings through the callback")
struct RunWarningTests {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/IntRSCLI/Resources")

    @Test("a corrupt cached certificate table and an earlier run's float-baseline files are reported to warn")
    func corruptCacheAndStaleBaseline() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-warn-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        var run = RunConfiguration(procedure: .certify, modelPath: Self.resources.appendingPathComponent("digits-cnn.v1.json").path,
                                   dataPath: Self.resources.appendingPathComponent("digits-test.v1.json").path)
        run.n = 200; run.n0 = 20
        run.selection = ExampleSelection(every: 40, limit: 2)
        run.floatBaseline = false
        run.tableCache = out.appendingPathComponent("tables")
        var warnings: [RunWarning] = []
        var progress: [String] = []
        _ = try SmoothingRunner.execute(run, progress: { progress.append($0) }, warn: { warnings.append($0) })
        #expect(warnings.isEmpty, "\(warnings)")
        let cached = try FileManager.default.contentsOfDirectory(at: run.tableCache!, includingPropertiesForKeys: nil)
        #expect(cached.count == 1)
        try Data("{ not a table".utf8).write(to: cached[0])
        let result = try SmoothingRunner.execute(run, progress: { progress.append($0) }, warn: { warnings.append($0) })
        #expect(warnings.count == 1)
        guard case .cachedTableUnreadable(let path, _)? = warnings.first else { Issue.record("\(warnings)"); return }
        #expect(path == cached[0].path)
        #expect(warnings[0].line.hasPrefix("warning: cached certificate table \(path) is unreadable or corrupt ("))
        #expect(!progress.contains { $0.hasPrefix("warning:") }, "a warning given to warn is not also a progress line")

        // Without `warn`, the warning is a progress line (its `line`).
        try Data("{ not a table".utf8).write(to: cached[0])
        var lines: [String] = []
        _ = try SmoothingRunner.execute(run, progress: { lines.append($0) })
        #expect(lines.contains { $0.hasPrefix("warning: cached certificate table ") })

        // An earlier run's float-baseline files beside a run without one: removed, each reported.
        let o = RunOutputs(directory: out.path)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let stale = ["certify-float.jsonl", "certify-float.tsv"].map { out.appendingPathComponent($0) }
        for u in stale { try Data("earlier\n".utf8).write(to: u) }
        warnings = []
        _ = try SmoothingRunner.write(result, to: o, warn: { warnings.append($0) })
        #expect(warnings == stale.map { .staleFloatBaselineRemoved(path: $0.path) })
        #expect(warnings[0].line == "removed \(stale[0].path): an earlier run's float baseline (this run has none, --no-float-baseline)")
        #expect(stale.allSatisfy { !FileManager.default.fileExists(atPath: $0.path) })
    }
}
