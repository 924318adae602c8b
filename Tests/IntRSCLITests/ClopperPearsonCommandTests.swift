import ArgumentParser
import Testing
@testable import IntRSCLI
@testable import IntRSRun

/// `intrs clopper-pearson` and `intrs enclose`: parsing, negative values, and bad input rejected with a
/// message naming the option.
@Suite struct ClopperPearsonCommandTests {
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
        let c = try ClopperPearsonCommand.parse(args)
        do {
            try c.run()
            Issue.record("accepted \(args)")
        } catch let e as ValidationError {
            #expect(e.message.contains(fragment), "\(e.message)")
        }
    }

    @Test(arguments: [(["log", "--x", "0"], "log needs x > 0"), (["sqrt", "--x", "-1"], "sqrt needs"),
                      (["phi-inverse", "--x", "1"], "phi-inverse needs"), (["cosh", "--x", "1"], "expected exp"),
                      (["exp", "--x", "abc"], "--x \"abc\"")])
    func encloseRejectsBadInput(_ args: [String], _ fragment: String) throws {
        let c = try EncloseCommand.parse(args)
        do {
            try c.run()
            Issue.record("accepted \(args)")
        } catch let e as ValidationError {
            #expect(e.message.contains(fragment), "\(e.message)")
        }
    }

    /// A negative bits/digits value reaches the command's own range check (parsing: .unconditional), not
    /// argument-parser's "missing value".
    @Test func negativeNumericOptionsReachValidation() throws {
        let c = try ClopperPearsonCommand.parse(["--successes", "1", "--trials", "10", "--alpha", "0.1", "--bits", "-3"])
        #expect(throws: (any Error).self) { try c.run() }
        let e = try EncloseCommand.parse(["exp", "--x", "1", "--bits", "-1"])
        do { try e.run(); Issue.record("accepted --bits -1") } catch let err as ValidationError {
            #expect(err.message.contains("--bits -1"), "\(err.message)")
        }
    }

    @Test func vectorsListJSON() throws {
        let l = try VectorsCommand.List.parse(["--json"])
        #expect(l.json)
        try l.run()
    }
}

