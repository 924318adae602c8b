import ArgumentParser
import Foundation
import Testing
import IntRSCLI

/// `intrs sample` and `intrs noise`: bad parameters give clear errors naming the option.
@Suite("intrs sample / intrs noise")
struct NoiseCommandsTests {
    static let seed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

    /// Parses and runs; returns the error message (nil on success).
    func errorMessage(_ args: [String]) -> String? {
        do {
            var cmd = try IntRSCommand.parseAsRoot(args)
            try cmd.run()
            return nil
        } catch {
            return IntRSCommand.message(for: error)
        }
    }

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
        let msg = errorMessage(args)
        #expect(msg?.contains(c.1) == true, "\(c.0): \(msg ?? "accepted")")
    }

    @Test("rounded Gaussian has no exact sampler; noise rejects bad sigma2 and precision")
    func otherErrors() {
        #expect(errorMessage(["sample", "--noise", "rounded-gaussian", "--sigma2", "4", "--seed", Self.seed])?.contains("--sampler table") == true)
        #expect(errorMessage(["noise", "--noise", "discrete-gaussian", "--sigma2", "0"])?.contains("--sigma2") == true)
        #expect(errorMessage(["noise", "--noise", "discrete-gaussian", "--sigma2", "1", "--precision", "5"])?.contains("--precision") == true)
        #expect(errorMessage(["noise", "--noise", "gaussian", "--sigma2", "1"]) != nil)
    }
}
