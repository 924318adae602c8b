import ArgumentParser
import Foundation
import Testing
import IntRSCLI

/// `intrs sample` and `intrs noise`: bad parameters give clear errors naming the option.
@Suite("intrs sample / intrs noise")
struct NoiseCommandsTests {
    static let seed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

    /// Parses and runs; returns the error message (nil on success).
    @Test("bad sample parameters are refused with the option named", arguments: [
        (["--sigma2", "0"], "--sigma2"), (["--sigma2", "abc"], "--sigma2"), (["--sigma2", "1/0"], "--sigma2"),
        (["--seed", ""], "seed"), (["--seed", "abc"], "odd number"), (["--seed", "zz"], "not a hexadecimal"),
        (["--count", "0"], "--count"), (["--count", "2000000"], "--count"),
        (["--sigma2", "99999999999"], "fast sampler's domain"), (["--bits", "48", "--sampler", "table"], "--bits 48"),
    ])
    func badSample(_ c: ([String], String)) {
        var args = ["sample", "--noise", "discrete-gaussian", "--sigma2", "4", "--seed", Self.seed]
        // Later options override earlier ones in the parser, so append the bad one.
        args += c.0
        let msg = CLITest.errorMessage(args)
        #expect(msg?.contains(c.1) == true, "\(c.0): \(msg ?? "accepted")")
    }

    @Test("rounded Gaussian has no exact sampler; noise rejects bad sigma2 and precision")
    func otherErrors() {
        #expect(CLITest.errorMessage(["sample", "--noise", "rounded-gaussian", "--sigma2", "4", "--seed", Self.seed])?.contains("--sampler table") == true)
        #expect(CLITest.errorMessage(["noise", "--noise", "discrete-gaussian", "--sigma2", "0"])?.contains("--sigma2") == true)
        #expect(CLITest.errorMessage(["noise", "--noise", "discrete-gaussian", "--sigma2", "1", "--precision", "5"])?.contains("--precision") == true)
        #expect(CLITest.errorMessage(["noise", "--noise", "gaussian", "--sigma2", "1"]) != nil)
    }
}

/// QA regressions: tiny and huge sigma2 used to crash (SIGILL) or run unboundedly; now every path
/// reports the sigma2 domain. Negative separate-argument values reach validation.
@Suite("intrs sigma2 domain and argument validation")
struct Sigma2DomainCLITests {
    static let seed = NoiseCommandsTests.seed

    @Test("sigma2 outside the domain is refused naming --sigma2", arguments: [
        ["noise", "--noise", "discrete-gaussian", "--sigma2", "1/10000000"],
        ["noise", "--noise", "rounded-gaussian", "--sigma2", "1/1000000000000"],
        ["noise", "--noise", "discrete-gaussian", "--sigma2", "1000000000000"],
        ["noise", "--noise", "discrete-gaussian", "--sigma2", "1/10000000", "--sampler", "table"],
        ["sample", "--noise", "discrete-gaussian", "--sigma2", "1/1000000000000", "--sampler", "table", "--seed", seed, "--count", "2"],
        ["radius", "--sigma2", "1/1000000000000", "--pa", "0.9", "--delta", "1"],
        ["radius", "--sigma2", "10000000000", "--pa", "0.9", "--delta", "1"],
        ["table", "--sigma2", "1/1000000000000", "--dimension", "4", "--n", "100"],
        ["theorem", "--sigma2", "1/100000000", "--max-norm2", "1"],
    ])
    func outsideDomain(_ args: [String]) {
        let msg = CLITest.errorMessage(args)
        #expect(msg?.contains("--sigma2") == true || msg?.contains("sigma2 =") == true, "\(args): \(msg ?? "accepted")")
        #expect(msg?.contains("domain") == true, "\(args): \(msg ?? "accepted")")
    }

    @Test("negative separate values, bad phase and --bits with the exact sampler are refused clearly")
    func argumentValidation() {
        let base = ["sample", "--noise", "discrete-gaussian", "--sigma2", "4", "--seed", Self.seed]
        #expect(CLITest.errorMessage(base + ["--count", "-5"])?.contains("--count") == true)
        #expect(CLITest.errorMessage(["noise", "--noise", "discrete-gaussian", "--sigma2", "-1"])?.contains("positive") == true)
        #expect(CLITest.errorMessage(base + ["--phase", "3"])?.contains("--phase") == true)
        #expect(CLITest.errorMessage(base + ["--bits", "64"])?.contains("--bits") == true)
        #expect(CLITest.errorMessage(base + ["--bits", "64", "--sampler", "table", "--count", "2"]) == nil)
    }
}
