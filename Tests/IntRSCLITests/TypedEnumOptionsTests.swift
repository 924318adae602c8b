import ArgumentParser
import Testing
@testable import IntRSCLI

/// `intrs table` and `intrs radius` take --noise, --sampler, --form and --mode as typed values (like `certify`,
/// `noise` and `sample`): `--help` lists the values allowed, and any other value is refused while parsing, exit 64,
/// with a message naming the option, the value given and every value allowed.
@Suite("table / radius: typed --noise, --sampler, --form, --mode")
struct TypedEnumOptionsTests {
    static let table = ["table", "--sigma2", "4", "--dimension", "1", "--n", "10"]
    static let radius = ["radius", "--sigma2", "1", "--pa", "0.7"]

    @Test("a bad value exits 64 naming the option, the value and the values allowed", arguments: [
        (table + ["--noise", "laplace"], "--noise", "laplace", ["discrete-gaussian", "rounded-gaussian"]),
        (table + ["--sampler", "cks"], "--sampler", "cks", ["exact", "table"]),
        (table + ["--form", "three-class"], "--form", "three-class", ["binary", "two-class"]),
        (table + ["--mode", "exact"], "--mode", "exact", ["closed-form", "tight"]),
        (radius + ["--noise", "Discrete-Gaussian"], "--noise", "Discrete-Gaussian", ["discrete-gaussian", "rounded-gaussian"]),
        (radius + ["--sampler", "tables", "--dimension", "2"], "--sampler", "tables", ["exact", "table"]),
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
