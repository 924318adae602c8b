import ArgumentParser
import Foundation
import Testing
import IntRSConformance
import IntRSCore
import IntRSExact
import IntRSReference
@testable import IntRSCLI
@testable import IntRSRun

/// `intrs noise --write-table FILE` and `intrs sample --sampler table --table FILE`: a written table
/// samples exactly like the table built in memory; bad files are refused naming file, field and value.
@Suite("noise table files: intrs noise --write-table, intrs sample --table")
struct NoiseTableFileTests {
    static let seed = NoiseCommandsTests.seed

    static func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("intrs-noise-table-\(ProcessInfo.processInfo.processIdentifier)-\(name).json").path
    }

    /// A valid table file's bytes (discrete Gaussian, sigma2 = 4, b = 64), built once.
    static let baseTable: Data = try! CanonicalJSON.encode(TableLaw(family: .discreteGaussian, sigma2: Rational(4), bits: 64).noiseTable)

    func sampleOutput(_ args: [String]) throws -> SampleCommand.Output {
        let parsed = try IntRSCommand.parseAsRoot(["sample"] + args)
        guard let cmd = parsed as? SampleCommand else { throw ValidationError("not a sample command") }
        return try cmd.output()
    }

    /// Writes a table with `intrs noise` and returns its path.
    func writtenTable(_ family: String, _ sigma2: String, bits: Int, name: String) throws -> String {
        let path = Self.tempPath(name)
        let msg = CLITest.errorMessage(["noise", "--noise", family, "--sigma2", sigma2, "--sampler", "table", "--bits", "\(bits)",
                                "--precision", "16", "--write-table", path])
        #expect(msg == nil, "\(msg ?? "")")
        return path
    }

    @Test("a written table is the reference table; sampling it (fast and reference) equals sampling the built table", arguments: [
        ("discrete-gaussian", "4", 64), ("rounded-gaussian", "4", 64), ("discrete-gaussian", "1/4", 32),
    ])
    func roundTrip(_ c: (String, String, Int)) throws {
        let (family, s2, bits) = c
        let path = try writtenTable(family, s2, bits: bits, name: "good-\(family)-\(bits)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let law = try TableLaw(family: NoiseFamily(rawValue: family)!, sigma2: Rational(s2)!, bits: bits)
        #expect(data == (try CanonicalJSON.encode(law.noiseTable)), "the file must be the canonical table")
        let built = try NoiseSamplerFactory(family: law.family, sigma2: law.sigma2, kind: .table, impl: .fast, bits: bits)
        let expected = built.samples(seed: try Seed(hex: Self.seed), id: StreamID(example: 3, phase: 1, index: 7), count: 300)
        for impl in ["fast", "reference"] {
            let o = try sampleOutput(["--sampler", "table", "--table", path, "--impl", impl, "--seed", Self.seed,
                                      "--example", "3", "--phase", "1", "--stream", "7", "--count", "300"])
            #expect(o.samples == expected.samples, "\(impl)")
            #expect(o.wordsAfterEach == expected.wordsAfterEach, "\(impl)")
            #expect(o.tableFile == path && o.bits == bits && o.noise == family && o.sigma2 == law.sigma2.description)
        }
        // Matching --noise/--sigma2/--bits are accepted; the run through `run()` succeeds.
        #expect(CLITest.errorMessage(["sample", "--noise", family, "--sigma2", s2, "--bits", "\(bits)", "--sampler", "table",
                              "--table", path, "--seed", Self.seed, "--count", "3"]) == nil)
    }

    /// Each case edits a valid table file; the error must name the file and contain the given text
    /// (the field and the bad value).
    @Test("bad table files are refused naming the file, the field and the value", arguments: [
        ("format", "\"other\"", "field format is \"other\""),
        ("version", "2", "field version is 2"),
        ("bits", "48", "field bits is 48"),
        ("family", "\"gaussian\"", "family"),
        ("sigma2", "\"0\"", "field sigma2 is \"0\""),
        ("sigma2", "\"8/2\"", "field sigma2 is \"8/2\""),
        ("sigma2", "\"abc\"", "field sigma2 is \"abc\""),
        ("minValue", "\"x\"", "minValue"),
        ("minValue", "-9999999999", "field minValue -9999999999"),
        ("thresholds", "[\"00000000000000ff\", \"00000000000000aa\"]", "thresholds[1] = 00000000000000aa"),
        ("thresholds", "[\"xyz\"]", "field thresholds[0] is \"xyz\""),
        ("thresholds", "[\"00000000000000FF\"]", "field thresholds[0] is \"00000000000000FF\""),
        ("thresholds", nil, "thresholds: missing"),
    ] as [(String, String?, String)])
    func badFiles(_ c: (String, String?, String)) throws {
        var dict = try JSONSerialization.jsonObject(with: Self.baseTable) as! [String: Any]
        if let v = c.1 {
            dict[c.0] = try JSONSerialization.jsonObject(with: Data(v.utf8), options: .fragmentsAllowed)
        } else {
            dict.removeValue(forKey: c.0)
        }
        let bad = Self.tempPath("bad-\(c.0)-\(UUID().uuidString)")   // unique: the cases run in parallel
        try JSONSerialization.data(withJSONObject: dict).write(to: URL(fileURLWithPath: bad))
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let msg = CLITest.errorMessage(["sample", "--sampler", "table", "--table", bad, "--seed", Self.seed, "--count", "2"])
        #expect(msg?.contains(bad) == true, "\(c.0): \(msg ?? "accepted")")
        #expect(msg?.contains(c.2) == true, "\(c.0): \(msg ?? "accepted")")
    }

    @Test("unreadable, non-JSON and mismatched table files, and misplaced options, are refused clearly")
    func otherErrors() throws {
        let path = try writtenTable("discrete-gaussian", "4", bits: 64, name: "other")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let base = ["sample", "--sampler", "table", "--table", path, "--seed", Self.seed, "--count", "2"]
        let missing = Self.tempPath("does-not-exist")
        #expect(CLITest.errorMessage(["sample", "--sampler", "table", "--table", missing, "--seed", Self.seed])?.contains("--table \(missing): cannot read") == true)
        let junk = Self.tempPath("junk")
        try Data("not json".utf8).write(to: URL(fileURLWithPath: junk))
        defer { try? FileManager.default.removeItem(atPath: junk) }
        #expect(CLITest.errorMessage(["sample", "--sampler", "table", "--table", junk, "--seed", Self.seed])?.contains("--table \(junk): not a noise table file") == true)
        #expect(CLITest.errorMessage(base + ["--noise", "rounded-gaussian"])?.contains("--noise rounded-gaussian does not match field family \"discrete-gaussian\"") == true)
        #expect(CLITest.errorMessage(base + ["--sigma2", "5"])?.contains("--sigma2 5 does not match field sigma2 \"4\"") == true)
        #expect(CLITest.errorMessage(base + ["--bits", "32"])?.contains("--bits 32 does not match field bits 64") == true)
        #expect(CLITest.errorMessage(["sample", "--table", path, "--seed", Self.seed])?.contains("needs --sampler table") == true)
        #expect(CLITest.errorMessage(["sample", "--sampler", "table", "--seed", Self.seed])?.contains("--noise") == true)
        #expect(CLITest.errorMessage(["sample", "--noise", "discrete-gaussian", "--seed", Self.seed])?.contains("--sigma2") == true)
        #expect(CLITest.errorMessage(["noise", "--noise", "discrete-gaussian", "--sigma2", "4", "--write-table", Self.tempPath("x")])?.contains("needs --sampler table") == true)
        #expect(CLITest.errorMessage(["noise", "--noise", "discrete-gaussian", "--sigma2", "4", "--sampler", "table",
                              "--write-table", "/nonexistent-dir/t.json"])?.contains("--write-table /nonexistent-dir/t.json: cannot write") == true)
    }
}
