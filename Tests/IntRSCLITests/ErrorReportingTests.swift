import ArgumentParser
import Foundation
import Testing
@testable import IntRSCLI
@testable import IntRSRun

/// Errors thrown by a subcommand's run() are usage errors (exit 64) when the input is bad, and are
/// reported with that subcommand's path, not the root's.
@Suite("error reporting")
struct ErrorReportingTests {
    @Test("sigma2 outside the reference domain is a usage error (64) before any output", arguments: [
        ["radius", "--sigma2", "1000000", "--pa", "0.9"],
        ["radius", "--sigma2", "1/2000", "--pa", "0.9", "--tight", "--dimension", "2"],
        ["theorem", "--sigma2", "1,1/2000"],
        ["table", "--sigma2", "70000", "--dimension", "64", "--n", "1000"],
    ])
    func sigma2OutsideDomain(_ args: [String]) throws {
        let f = try #require(CLITest.failure(args))
        #expect(f.1 == 64, "exit code \(f.1) for \(args)")
        #expect(f.0.contains("outside the supported domain"), "message: \(f.0)")
    }

    @Test("a subcommand's path is found under the root, nested ones too")
    func commandPath() {
        #expect(CommandPath.names(of: RadiusCommand.self, under: IntRSCommand.self) == ["radius"])
        #expect(CommandPath.names(of: BenchSamplersCommand.self, under: IntRSCommand.self) == ["bench", "samplers"])
        #expect(CommandPath.names(of: IntRSCommand.self, under: IntRSCommand.self) == [])
    }
}
