import Foundation
import Testing
@testable import IntRSCLI
@testable import IntRSRun

/// Replays the fuzzers' files through the same targets the libFuzzer harness runs (Fuzz/Harness/FuzzTargets.swift,
/// linked into this test target; see Fuzz/README.md), without the sanitizer:
/// - every file in Fuzz/regressions/TARGET/ (inputs that once crashed, hung or blew up a reader) must be refused
///   with a thrown error whose message is not empty, or accepted when its name contains ".valid." (an input
///   that was valid all along and crashed a later stage); a trap would end this test process;
/// - every seed in Fuzz/corpus/TARGET/ must be accepted (so the fuzzers start from files that reach the deep
///   paths, not from files refused at the first byte).
@Suite("fuzz regressions and seeds")
struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func files(_ dir: String, _ target: String) -> [URL] {
        let d = root.appendingPathComponent("Fuzz").appendingPathComponent(dir).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: d.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { d.appendingPathComponent($0) }
    }

    @Test("every target has a seed corpus, and the target list matches scripts/fuzz", arguments: FuzzTargets.names)
    func targetHasSeeds(_ target: String) throws {
        #expect(!Self.files("corpus", target).isEmpty, "Fuzz/corpus/\(target) is empty")
        let script = try String(contentsOf: Self.root.appendingPathComponent("scripts/fuzz"), encoding: .utf8)
        #expect(script.contains("TARGETS=(\(FuzzTargets.names.joined(separator: " ")))"), "scripts/fuzz's TARGETS differ from FuzzTargets.names")
    }

    @Test("regression files are refused cleanly (or accepted when named .valid.)", arguments: FuzzTargets.names)
    func regressions(_ target: String) throws {
        for f in Self.files("regressions", target) {
            let data = try Data(contentsOf: f)
            do {
                try FuzzTargets.run(target, data)
                #expect(f.lastPathComponent.contains(".valid."), "\(target)/\(f.lastPathComponent) was accepted; expected a clean error")
            } catch {
                #expect(!f.lastPathComponent.contains(".valid."), "\(target)/\(f.lastPathComponent): \(error)")
                #expect(!"\(error)".isEmpty)
            }
        }
    }

    @Test("seed corpora are accepted", arguments: FuzzTargets.names)
    func seeds(_ target: String) throws {
        for f in Self.files("corpus", target) {
            do { try FuzzTargets.run(target, try Data(contentsOf: f)) } catch {
                Issue.record("seed \(target)/\(f.lastPathComponent) refused: \(error)")
            }
        }
    }
}
