import ArgumentParser
import Foundation
import Testing
import IntRSCLI
import IntRSCore

/// QA of issues 3 and 4 (session 2): --bits on the ideal law, seed length wording, write failures that
/// name the missing directory.
@Suite("intrs noise/sample/theorem/table: QA regressions")
struct QA34CLITests {
    static let seed = NoiseCommandsTests.seed

    @Test("noise --bits without --sampler table is refused (it used to be ignored silently)")
    func noiseBitsNeedsTable() {
        let msg = CLITest.errorMessage(["noise", "--noise", "discrete-gaussian", "--sigma2", "4", "--bits", "48"])
        #expect(msg?.contains("--bits 48") == true, "\(msg ?? "accepted")")
        #expect(msg?.contains("--sampler table") == true, "\(msg ?? "accepted")")
    }

    @Test("a seed longer than 64 digits is not told that shorter seeds are not padded")
    func longSeedWording() {
        let long = String(repeating: "00", count: 33)
        let short = String(repeating: "00", count: 31)
        let mLong = "\(SeedError.wrongLength(long, digits: 66))"
        let mShort = "\(SeedError.wrongLength(short, digits: 62))"
        #expect(mLong.contains("66 hex digits") && !mLong.contains("shorter"), "\(mLong)")
        #expect(mShort.contains("shorter seeds are not padded"), "\(mShort)")
    }

    @Test("write failures name the missing directory", arguments: [
        ["noise", "--noise", "discrete-gaussian", "--sigma2", "4", "--sampler", "table", "--bits", "32", "--write-table"],
        ["theorem", "--sigma2", "1", "--max-norm2", "1", "--markdown"],
        ["table", "--sigma2", "4", "--dimension", "4", "--n", "100", "--mode", "closed-form", "--output"],
    ])
    func writeFailureReason(_ args: [String]) {
        let dir = "/nonexistent-intrs-qa34-\(UInt32.random(in: 0...UInt32.max))"
        let msg = CLITest.errorMessage(args + ["\(dir)/out.json"])
        #expect(msg?.contains("directory \(dir) does not exist") == true, "\(args): \(msg ?? "accepted")")
        #expect(!FileManager.default.fileExists(atPath: dir))
    }
}
