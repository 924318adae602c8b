import Testing
@testable import IntRSCLI

/// Every integer option of `intrs` reads a negative number as its value (`--max-findings -1`, not argument-parser's
/// "Missing value") and refuses an out-of-range value before any work: exit 64, a message naming the option and the
/// value (and the range). Runs the command line as `intrs` parses it (`CLITest`, IntRSCommand.parseAsRoot).
@Suite("negative and out-of-range integer options")
struct NegativeNumberOptionsTests {
    /// Never read: every case is refused before the file is opened (a missing file would fail with exit 1).
    static let audit = "/nonexistent-intrs-dir/certify.jsonl"
    static let tsv = ["audit", "--cohen-tsv", "x.tsv", "--sigma", "0.25", "--n", "1000", "--alpha", "0.001"]

    @Test("refused with exit 64, naming the option and the value", arguments: [
        // audit: --max-findings (a count, >= 0) and --bits (32 ... 1024, both modes; -1 trapped in JSONL mode)
        (["audit", audit, "--max-findings", "-1"], "--max-findings -1: must be >= 0"),
        (["audit", audit, "--max-findings=-1"], "--max-findings -1: must be >= 0"),
        (["audit", audit, "--max-findings", "-99999999999"], "--max-findings -99999999999"),
        (["audit", audit, "--bits", "-1"], "--bits -1: must be in 32...1024"),
        (["audit", audit, "--bits", "0"], "--bits 0: must be in 32...1024"),
        (tsv + ["--bits", "-1"], "--bits -1: must be in 32...1024"),
        (tsv + ["--max-findings", "-5"], "--max-findings -5: must be >= 0"),
        (["audit", "--cohen-tsv", "x.tsv", "--sigma", "0.25", "--n", "-5", "--alpha", "0.001"], "--n -5: must be >= 1"),
        // certify / predict
        (["certify", "--limit", "-1"], "--limit -1: must be >= 1"),
        (["certify", "--every", "-1"], "--every -1: must be >= 1"),
        (["certify", "--threads", "-1"], "--threads -1: must be >= 1"),
        (["certify", "--n", "-1"], "--n -1: must be in 1 ... 2^31"),
        (["certify", "--n0", "-1"], "--n0 -1: must be in 1 ... 2^31"),
        (["certify", "--shard", "auto", "--shard-count", "-2"], "--shard-count -2: must be >= 1"),
        (["predict", "--limit", "-3"], "--limit -3: must be >= 1"),
        // certify / predict --seed: a negative number is the value (was "Missing value"), refused as not 64 hex digits
        (["certify", "--seed", "-1"], "--seed \"-1\": "),
        (["predict", "--seed=-1"], "--seed \"-1\": "),
        // sample, noise, enclose, clopper-pearson, theorem
        (["sample", "--seed", String(repeating: "0", count: 64), "--noise", "discrete-gaussian", "--sigma2", "4", "--count", "-1"], "--count -1"),
        (["sample", "--seed", String(repeating: "0", count: 64), "--noise", "discrete-gaussian", "--sigma2", "4", "--stream", "-1"], "'-1' is invalid for '--stream"),
        (["sample", "--seed", String(repeating: "0", count: 64), "--noise", "discrete-gaussian", "--sigma2", "4", "--example", "-1"], "'-1' is invalid for '--example"),
        (["sample", "--seed", String(repeating: "0", count: 64), "--noise", "discrete-gaussian", "--sigma2", "4", "--phase", "-1"], "'-1' is invalid for '--phase <phase>': the phase must be 0 (selection), 1 (estimation) or 2 (predict)"),
        (["sample", "--seed", String(repeating: "0", count: 64), "--noise", "discrete-gaussian", "--sigma2", "4", "--phase=-1"], "'-1' is invalid for '--phase <phase>': the phase must be 0 (selection), 1 (estimation) or 2 (predict)"),
        (["sample", "--seed", String(repeating: "0", count: 64), "--noise", "discrete-gaussian", "--sigma2", "4", "--phase", "3"], "'3' is invalid for '--phase <phase>': the phase must be 0 (selection), 1 (estimation) or 2 (predict)"),
        (["sample", "--seed", String(repeating: "0", count: 64), "--noise", "discrete-gaussian", "--sigma2", "4", "--phase", "4294967296"], "'4294967296' is invalid for '--phase <phase>': the phase must be 0"),
        // sample --seed: a negative number is the value (was "Missing value"), refused as not 64 hex digits
        (["sample", "--seed", "-1", "--noise", "discrete-gaussian", "--sigma2", "4"], "--seed: seed \"-1\": character \"-\" at digit 0 is not a hexadecimal digit (expected 64 hex digits)"),
        (["sample", "--noise", "discrete-gaussian", "--sigma2", "4", "--seed=-1"], "--seed: seed \"-1\": "),
        (["noise", "--noise", "discrete-gaussian", "--sigma2", "4", "--precision", "-1"], "--precision -1"),
        (["enclose", "exp", "--x", "1", "--digits", "-1"], "--digits -1"),
        (["clopper-pearson", "--successes", "-1", "--trials", "10", "--alpha", "0.01"], "--successes -1: "),
        (["clopper-pearson", "--successes", "1", "--trials", "-10", "--alpha", "0.01"], "--trials -10: "),
        (["clopper-pearson", "--successes", "11", "--trials", "10", "--alpha", "0.01"], "--successes 11: "),
        (["clopper-pearson", "--successes", "1", "--trials", "10", "--alpha", "0.01", "--bits", "-1"], "--bits -1: "),
        (["theorem", "--max-norm2", "-1"], "--max-norm2 -1"),
        // table, radius
        (["table", "--sigma2", "1", "--dimension", "-1", "--n", "10"], "--dimension -1: must be >= 1"),
        (["table", "--sigma2", "1", "--dimension", "1", "--n", "-10"], "--n -10"),
        (["table", "--sigma2", "1", "--dimension", "1", "--n", "10", "--max-norm2", "-1"], "--max-norm2 -1"),
        (["radius", "--sigma2", "1", "--pa", "0.7", "--tight", "--dimension", "-1"], "--dimension -1: must be >= 1"),
        (["radius", "--sigma2", "1", "--pa", "0.7", "--tight", "--dimension", "2", "--max-norm2", "-1"], "--max-norm2 -1"),
        (["radius", "--sigma2", "1", "--pa", "0.7", "--tight", "--dimension", "2", "--max-patterns", "-1"], "--max-patterns -1: must be >= 0"),
        // vectors export: --count and --seed read negative numbers as values
        (["vectors", "export", "--model", "m.json", "-o", "/tmp/intrs-never-written", "--count", "-1"], "--count -1: must be in 1...10000"),
        (["vectors", "export", "--model", "m.json", "-o", "/tmp/intrs-never-written", "--seed", "-1"], "'-1' is invalid for '--seed"),
        (["model", "generate-benchmark", "--output", "/tmp/intrs-never-written.json", "--seed", "-1"], "'-1' is invalid for '--seed"),
        // bench subcommands
        (["bench", "int8", "--batch", "-1"], "--batch -1"),
        (["bench", "int8", "--rounds", "-1"], "--rounds -1"),
        (["bench", "int8", "--threads", "-1"], "--threads -1"),
        (["bench", "smoothing", "--samples", "-1"], "--samples -1"),
        (["bench", "samplers", "--rounds", "-1"], "--rounds -1"),
        (["bench", "tight-radius", "--dimension", "-1"], "--dimension -1: must be >= 1"),
        (["bench", "tight-radius", "--max-norm2", "-1"], "--max-norm2 -1: must be >= 1"),
        (["bench", "tight-radius", "--max-patterns", "-1"], "--max-patterns -1: must be >= 0"),
        (["bench", "tight-radius", "--sigma2", "4", "--max-patterns", "-1"], "--max-patterns -1: must be >= 0"),
    ])
    func refused(_ args: [String], _ named: String) throws {
        let f = try #require(CLITest.failure(args), "\(args) was accepted")
        #expect(f.exitCode == 64, "\(args): exit \(f.exitCode): \(f.message)")
        #expect(f.message.contains(named), "\(args): \(f.message)")
        #expect(!f.message.contains("Missing value") && !f.message.contains("Unknown option"), "\(args): \(f.message)")
    }

    @Test("audit --help says the unit and range of --max-findings and --bits")
    func auditHelp() {
        let h = AuditCommand.helpMessage(columns: 1000)
        #expect(h.contains("--max-findings <max-findings>") && h.contains("a count >= 0"), "\(h)")
        #expect(h.contains("32 ... 1024"), "\(h)")
    }

    @Test("sample --help states the range of --phase and the form of --seed; --phase 0, 1 and 2 are accepted")
    func sampleHelpAndPhases() throws {
        let h = SampleCommand.helpMessage(columns: 1000)
        #expect(h.contains("--phase <phase>") && h.contains("nonce word 2, 0 ... 2") && h.contains("(default: 0)"), "\(h)")
        #expect(h.contains("64 hex digits"), "\(h)")
        let seed = String(repeating: "0", count: 64)
        for p: UInt32 in [0, 1, 2] {
            let c = try SampleCommand.parse(["--seed", seed, "--noise", "discrete-gaussian", "--sigma2", "4", "--phase", "\(p)"])
            #expect(c.phase == p)
        }
        #expect(try SampleCommand.parse(["--seed", seed, "--noise", "discrete-gaussian", "--sigma2", "4"]).phase == 0)
    }

    @Test("--max-findings 0 is accepted: nothing is listed, every failure is still counted")
    func maxFindingsZero() throws {
        let cmd = try AuditCommand.parse([Self.audit, "--max-findings", "0"])
        #expect(cmd.maxFindings == 0)
    }
}
