import ArgumentParser
import Testing
@testable import IntRSCLI
@testable import IntRSRun

/// `intrs clopper-pearson` and `intrs enclose`: parsing, negative values, and bad input rejected with a
/// message naming the option.
@Suite struct ClopperPearsonCommandTests {
    /// Parses and runs `args` as `intrs` would (an option check may fire in `validate()`, while parsing, or in
    /// `run()`): nil if accepted, else argument-parser's message for the error, which must be a usage error
    /// (exit status 64, the subcommand's usage line).
    static func refusal<C: ParsableCommand>(_ command: C.Type, _ args: [String]) -> String? {
        do {
            var c = try command.parse(args)
            try c.run()
            return nil
        } catch {
            #expect(command.exitCode(for: error) == .validationFailure, "\(args): \(error)")
            return command.message(for: error)
        }
    }

    @Test func runsOnGoodInput() throws {
        let c = try ClopperPearsonCommand.parse(["--successes", "99000", "--trials", "100000", "--alpha", "0.001", "--json"])
        try c.run()
        let u = try ClopperPearsonCommand.parse(["--successes", "3", "--trials", "10", "--alpha", "1/20", "--upper", "--bits", "20"])
        try u.run()
        let e = try EncloseCommand.parse(["phi", "--x", "-10", "--bits", "64"])
        #expect(e.x == "-10")
        try e.run()
    }

    @Test(arguments: [
        (["--successes", "11", "--trials", "10", "--alpha", "0.01"], "exceeds"),
        (["--successes", "1", "--trials", "10", "--alpha", "0"], "outside (0, 1)"),
        (["--successes", "1", "--trials", "10", "--alpha", "1"], "outside (0, 1)"),
        (["--successes", "-1", "--trials", "10", "--alpha", "0.1"], "negative"),
        (["--successes", "abc", "--trials", "10", "--alpha", "0.1"], "--successes \"abc\""),
        (["--successes", "1", "--trials", "ten", "--alpha", "0.1"], "--trials \"ten\""),
        (["--successes", "1", "--trials", "10", "--alpha", "x1"], "--alpha \"x1\""),
        (["--successes", "1", "--trials", "0", "--alpha", "0.5"], "positive"),
        (["--successes", "99999999999999999999", "--trials", "10", "--alpha", "0.1"], "--successes \"99999999999999999999\": out of range (min"),
        (["--successes", "1", "--trials", "-99999999999999999999", "--alpha", "0.1"], "out of range"),
        (["--successes", "1.5", "--trials", "10", "--alpha", "0.1"], "not an integer"),
        (["--successes", "1", "--trials", "10", "--alpha", "1e-999999999"], "the exponent -999999999 is out of range"),
        (["--successes", "1", "--trials", "10", "--alpha", "1e-99999999999999999999"], "is out of range"),
        (["--successes", "1", "--trials", "10", "--alpha", "1e-x"], "malformed number"),
    ])
    func rejectsBadInput(_ args: [String], _ fragment: String) throws {
        guard let message = Self.refusal(ClopperPearsonCommand.self, args) else { Issue.record("accepted \(args)"); return }
        #expect(message.contains(fragment), "\(message)")
    }

    @Test(arguments: [(["log", "--x", "0"], "log needs x > 0"), (["sqrt", "--x", "-1"], "sqrt needs"),
                      (["phi-inverse", "--x", "1"], "phi-inverse needs"), (["cosh", "--x", "1"], "expected exp"),
                      (["exp", "--x", "abc"], "--x \"abc\"")])
    func encloseRejectsBadInput(_ args: [String], _ fragment: String) throws {
        guard let message = Self.refusal(EncloseCommand.self, args) else { Issue.record("accepted \(args)"); return }
        #expect(message.contains(fragment), "\(message)")
    }

    /// A negative bits/digits value reaches the command's own range check (parsing: .unconditional), not
    /// argument-parser's "missing value".
    @Test func negativeNumericOptionsReachValidation() throws {
        let cp = Self.refusal(ClopperPearsonCommand.self, ["--successes", "1", "--trials", "10", "--alpha", "0.1", "--bits", "-3"])
        #expect(cp != nil && !cp!.lowercased().contains("missing value"), "\(cp ?? "accepted --bits -3")")
        let message = Self.refusal(EncloseCommand.self, ["exp", "--x", "1", "--bits", "-1"])
        #expect(message?.contains("--bits -1") == true, "\(message ?? "accepted --bits -1")")
    }

    @Test func vectorsListJSON() throws {
        let l = try VectorsCommand.List.parse(["--json"])
        #expect(l.json)
        try l.run()
    }
}

