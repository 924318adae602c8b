import Foundation
import Testing
import ArgumentParser
import IntRSExact
@testable import IntRSCLI
@testable import IntRSRun

@Suite("intrs radius / theorem / table: bad input")
struct CertificationCommandsTests {
    /// Parses and runs; returns the error message, or nil when the command succeeded.
    static func failure<C: ParsableCommand>(_ type: C.Type, _ args: [String]) -> String? {
        do {
            var c = try type.parse(args)
            try c.run()
            return nil
        } catch {
            return type.message(for: error)
        }
    }

    @Test("radius rejects bad probabilities, pA <= pB, non-integer delta, too many nonzero entries, --tight without d",
          arguments: [
            (["--sigma2", "1", "--pa", "1.2"], "strictly between 0 and 1"),
            (["--sigma2", "1", "--pa", "0.7", "--delta", "1000001"], "out of range"),
            (["--sigma2", "1", "--pa", "0.7", "--max-norm2", "50"], "--tight only"),
            (["--sigma2", "1", "--pa", "0.7", "--table-bits", "40"], "--sampler table only"),
            (["--sigma2", "1", "--pa", "0.7", "--dimension", "3"], "applies to --tight"),
            (["--sigma2", "1", "--pa", "0"], "strictly between"),
            (["--sigma2", "1", "--pa", "0.3", "--pb", "0.4"], "greater than --pb"),
            (["--sigma2", "1", "--pa", "0.7", "--delta", "1.5"], "not an integer"),
            (["--sigma2", "1", "--pa", "0.7", "--delta", "1,1,1", "--dimension", "2"], "nonzero entries"),
            (["--sigma2", "1", "--pa", "0.7", "--tight"], "--dimension"),
            (["--sigma2", "0", "--pa", "0.7"], "> 0"),
            (["--sigma2", "1", "--pa", "0.7", "--noise", "laplace"], "discrete-gaussian"),
            (["--sigma2", "1", "--pa", "0.7", "--tight", "--dimension", "2", "--max-seconds", "0"], "--max-seconds"),
            (["--sigma2", "1", "--pa", "0.7", "--tight", "--dimension", "2", "--max-patterns", "-1"], "--max-patterns"),
            (["--sigma2", "1", "--pa", "0.7", "--max-patterns", "5"], "--tight only"),
            (["--sigma2", "1", "--pa", "0.7", "--no-collapse"], "--tight only"),
          ])
    func radiusBadInput(args: [String], fragment: String) {
        let m = Self.failure(RadiusCommand.self, args)
        #expect(m?.contains(fragment) == true, "\(args): \(m ?? "no error")")
    }

    @Test("theorem and table reject an unwritable output before computing anything")
    func unwritableOutputFailsEarly() {
        let t0 = Date()
        #expect(Self.failure(TheoremCommand.self, ["--markdown", "/nonexistent-intrs-dir/x.md"])?.contains("does not exist") == true)
        #expect(Self.failure(TableCommand.self, ["--sigma2", "16", "--dimension", "64", "--n", "100000", "--alpha", "0.001",
                                                 "--output", "/nonexistent-intrs-dir/x.json"])?.contains("nothing was computed") == true)
        #expect(Self.failure(TableCommand.self, ["--sigma2", "1", "--dimension", "1", "--n", "10", "--output", "/tmp"])?.contains("is a directory") == true)
        #expect(Date().timeIntervalSince(t0) < 30, "the checks must come before the sweep and the table")
    }

    @Test("theorem and table reject bad options")
    func otherBadInput() {
        #expect(Self.failure(TheoremCommand.self, ["--max-norm2", "0"])?.contains("--max-norm2") == true)
        #expect(Self.failure(TheoremCommand.self, ["--sigma2", "1,x"])?.contains("--sigma2") == true)
        #expect(Self.failure(TableCommand.self, ["--sigma2", "1", "--dimension", "0", "--n", "10"])?.contains("--dimension") == true)
        #expect(Self.failure(TableCommand.self, ["--sigma2", "1", "--dimension", "1", "--n", "10", "--alpha", "1"])?.contains("--alpha") == true)
        #expect(Self.failure(TableCommand.self, ["--sigma2", "1", "--dimension", "1", "--n", "10", "--mode", "x"])?.contains("--mode") == true)
    }

    @Test("radius runs the required counterexample")
    func radiusRuns() {
        #expect(Self.failure(RadiusCommand.self, ["--sigma2", "1", "--pa", "0.7", "--pb", "0.07", "--delta", "1", "--json"]) == nil)
    }

    @Test("radius --tight: the Rényi floor answers at once below n_R; a pattern budget gives a partial certificate")
    func radiusTightRenyiAndBudget() {
        #expect(Self.failure(RadiusCommand.self, ["--sigma2", "65025/16", "--pa", "0.99", "--tight", "--dimension", "64",
                                                  "--max-norm2", "100", "--json"]) == nil)
        #expect(Self.failure(RadiusCommand.self, ["--sigma2", "16", "--pa", "0.99", "--tight", "--dimension", "64",
                                                  "--max-norm2", "400", "--max-patterns", "10"]) == nil)
        // The lattice collapse (COL-1) on and off.
        #expect(Self.failure(RadiusCommand.self, ["--sigma2", "256", "--pa", "0.6859", "--tight", "--dimension", "1000",
                                                  "--max-norm2", "64", "--json"]) == nil)
        #expect(Self.failure(RadiusCommand.self, ["--sigma2", "64", "--pa", "0.7", "--tight", "--dimension", "3",
                                                  "--max-norm2", "30", "--no-collapse"]) == nil)
    }

    @Test("radius abstains (never a negative radius) when pA <= 1/2 or pA <= pB after the d*eta accounting")
    func radiusAbstains() throws {
        #expect(RadiusCommand.abstainReason(pAEffective: Rational(2, 5), pBEffective: nil, shiftTV: Rational(0))?.contains("pA <= 1/2") == true)
        #expect(RadiusCommand.abstainReason(pAEffective: Rational(1, 2), pBEffective: nil, shiftTV: Rational(0)) != nil)
        #expect(RadiusCommand.abstainReason(pAEffective: Rational(501, 1000), pBEffective: nil, shiftTV: Rational(0)) == nil)
        #expect(RadiusCommand.abstainReason(pAEffective: Rational(3, 10), pBEffective: Rational(3, 10), shiftTV: Rational(1, 100))?.contains("d*eta") == true)
        #expect(RadiusCommand.abstainReason(pAEffective: Rational(3, 10), pBEffective: Rational(1, 5), shiftTV: Rational(0)) == nil)
        // The runs complete (abstain is an answer, not an error).
        #expect(Self.failure(RadiusCommand.self, ["--sigma2", "1", "--pa", "0.4", "--json"]) == nil)
        #expect(Self.failure(RadiusCommand.self, ["--sigma2", "1", "--pa", "0.4", "--tight", "--dimension", "2"]) == nil)
        #expect(Self.failure(RadiusCommand.self, ["--sigma2", "4", "--pa", "0.5", "--sampler", "table", "--table-bits", "32", "--dimension", "10000000"]) == nil)
    }

    @Test("negative numbers parse as values; empty sigma2 entries and exact rounded-Gaussian tables are rejected")
    func parsingAndTableNoise() {
        #expect(Self.failure(RadiusCommand.self, ["--sigma2", "1", "--pa", "-0.3"])?.contains("Missing value") == false)
        #expect(Self.failure(TheoremCommand.self, ["--sigma2", "1,,4"])?.contains("empty entry") == true)
        #expect(Self.failure(TableCommand.self, ["--noise", "rounded-gaussian", "--sampler", "exact", "--sigma2", "4", "--dimension", "1", "--n", "10"])?.contains("no exact rounded-Gaussian sampler") == true)
    }
}
