import Foundation
import Testing
@testable import IntRSCLI

/// Issue 16 item 22 leftovers: negative numbers in every `bench` subcommand are values (and range-checked, named),
/// and file write failures name the file and the reason instead of Foundation's raw text.
struct LeftoverMessagesTests {
    @Test("bench subcommands read negative numbers as values and refuse them by name", arguments: [
        (["bench", "clopper-pearson", "--trials", "-5"], "--trials -5"),
        (["bench", "clopper-pearson", "--repeats", "-1"], "--repeats -1"),
        (["bench", "clopper-pearson", "--bits", "-64"], "--bits -64"),
        (["bench", "enclosures", "--bits", "-1"], "--bits -1"),
        (["bench", "enclosures", "--repeats", "-3"], "--repeats -3"),
        (["bench", "samplers", "--seconds", "-1"], "--seconds -1"),
        (["bench", "samplers", "--reference-samples", "-100"], "--reference-samples -100"),
    ])
    func benchNegativeNumbers(_ args: [String], _ named: String) throws {
        let f = try #require(CLITest.failure(args), "\(args) accepted")
        #expect(f.exitCode == 64 && f.message.contains(named), "\(args): \(f.message)")
        #expect(!f.message.contains("Unknown option") && !f.message.contains("Missing value"), "\(args): \(f.message)")
    }

    @Test("a model file that cannot be written names the file and why")
    func modelWriteFailure() throws {
        let f = try #require(CLITest.failure(["model", "generate-benchmark", "--output", "/nonexistent-dir/m.json"]))
        #expect(f.message.contains("/nonexistent-dir/m.json") && f.message.contains("cannot write"), "\(f.message)")
        #expect(!f.message.contains("couldn’t be saved") && !f.message.contains("Error Domain"), "\(f.message)")
    }
}
