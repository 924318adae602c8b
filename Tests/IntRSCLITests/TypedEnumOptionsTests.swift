import ArgumentParser
import Testing
@testable import IntRSCLI

/// `intrs table` and `intrs radius` take --noise, --sampler, --form and --mode, `intrs infer` --impl and
/// `intrs model generate-benchmark` --rounding as typed values (like `certify`,
/// `noise` and `sample`): `--help` lists the values allowed, and any other value is refused while parsing, exit 64,
/// with a message naming the option, the value given and every value allowed.
@Suite("table / radius / infer / generate-benchmark: typed --noise, --sampler, --form, --mode, --impl, --rounding")
struct TypedEnumOptionsTests {
    static let table = ["table", "--sigma2", "4", "--dimension", "1", "--n", "10"]
    static let radius = ["radius", "--sigma2", "1", "--pa", "0.7"]
    /// Never read or written: a bad --impl or --rounding is refused while parsing.
    static let infer = ["infer", "--model", "/nonexistent-intrs-dir/m.json", "--input", "/nonexistent-intrs-dir/i.json"]
    static let benchmark = ["model", "generate-benchmark", "--output", "/nonexistent-intrs-dir/b.json"]

    @Test("a bad value exits 64 naming the option, the value and the values allowed", arguments: [
        (table + ["--noise", "laplace"], "--noise", "laplace", ["discrete-gaussian", "rounded-gaussian"]),
        (table + ["--sampler", "cks"], "--sampler", "cks", ["exact", "table"]),
        (table + ["--form", "three-class"], "--form", "three-class", ["binary", "two-class"]),
        (table + ["--mode", "exact"], "--mode", "exact", ["closed-form", "tight"]),
        (radius + ["--noise", "Discrete-Gaussian"], "--noise", "Discrete-Gaussian", ["discrete-gaussian", "rounded-gaussian"]),
        (radius + ["--sampler", "tables", "--dimension", "2"], "--sampler", "tables", ["exact", "table"]),
        // infer --impl and model generate-benchmark --rounding: refused while parsing, before any file is read or written
        (infer + ["--impl", "gpu"], "--impl", "gpu", ["reference", "fast", "float"]),
        (infer + ["--impl", "Fast"], "--impl", "Fast", ["reference", "fast", "float"]),
        (infer + ["--impl=float32"], "--impl", "float32", ["reference", "fast", "float"]),
        (benchmark + ["--rounding", "Double"], "--rounding", "Double", ["double", "single"]),
        (benchmark + ["--rounding", "triple"], "--rounding", "triple", ["double", "single"]),
    ])
    func badValue(_ args: [String], _ option: String, _ value: String, _ allowed: [String]) throws {
        let f = try #require(CLITest.failure(args), "\(args) accepted")
        #expect(f.exitCode == 64, "\(args): exit \(f.exitCode)")
        #expect(f.message.contains(option) && f.message.contains("'\(value)'"), "\(args): \(f.message)")
        for a in allowed { #expect(f.message.contains("'\(a)'"), "\(args): \(f.message) does not list \(a)") }
    }

    @Test("--help lists every allowed value")
    func helpListsValues() {
        let t = TableCommand.helpMessage(columns: 1000)
        for line in ["--noise <noise>", "--sampler <sampler>", "--form <form>", "--mode <mode>"] {
            #expect(t.contains(line), "table --help lacks \(line)")
        }
        #expect(t.contains("values: discrete-gaussian, rounded-gaussian"), "\(t)")
        #expect(t.contains("values: exact, table"), "\(t)")
        #expect(t.contains("values: binary, two-class"), "\(t)")
        #expect(t.contains("values: closed-form, tight"), "\(t)")
        let r = RadiusCommand.helpMessage(columns: 1000)
        #expect(r.contains("values: discrete-gaussian, rounded-gaussian"), "\(r)")
        #expect(r.contains("values: exact, table"), "\(r)")
        let i = InferCommand.helpMessage(columns: 1000)
        #expect(i.contains("--impl <impl>") && i.contains("values: reference, fast, float; default: fast"), "\(i)")
        let g = ModelCommand.GenerateBenchmark.helpMessage(columns: 1000)
        #expect(g.contains("--rounding <rounding>") && g.contains("values: double, single; default: double"), "\(g)")
    }

    @Test("infer --impl and generate-benchmark --rounding: every allowed value parses to its case")
    func inferAndRoundingParse() throws {
        for impl in InferImpl.allCases {
            #expect(try InferCommand.parse(["--model", "m", "--input", "i", "--impl", impl.rawValue]).impl == impl)
        }
        #expect(try InferCommand.parse(["--model", "m", "--input", "i"]).impl == .fast)
        #expect(try ModelCommand.GenerateBenchmark.parse(["--output", "o", "--rounding", "single"]).rounding == .single)
        #expect(try ModelCommand.GenerateBenchmark.parse(["--output", "o"]).rounding == .double)
    }

    @Test("the typed values reach the command: rounded-gaussian with the exact sampler is still refused by validate()")
    func validateStillRuns() throws {
        let f = try #require(CLITest.failure(Self.table + ["--noise", "rounded-gaussian", "--sampler", "exact"]))
        #expect(f.exitCode == 64 && f.message.contains("no exact rounded-Gaussian sampler"), "\(f.message)")
        let r = try RadiusCommand.parse(["--sigma2", "1", "--pa", "0.7", "--noise", "rounded-gaussian", "--sampler", "table",
                                         "--dimension", "2"])
        #expect(r.noise == .roundedGaussian && r.sampler == .table)
        let t = try TableCommand.parse(["--sigma2", "4", "--dimension", "1", "--n", "10", "--form", "two-class", "--mode", "closed-form"])
        #expect(t.form == .twoClass && t.mode == .closedForm)
    }
}
