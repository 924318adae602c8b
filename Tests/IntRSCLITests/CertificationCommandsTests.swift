import Foundation
import Testing
import ArgumentParser
@testable import IntRSCLI

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
            (["--sigma2", "1", "--pa", "1.2"], "[0, 1]"),
            (["--sigma2", "1", "--pa", "0"], "strictly between"),
            (["--sigma2", "1", "--pa", "0.3", "--pb", "0.4"], "greater than --pb"),
            (["--sigma2", "1", "--pa", "0.7", "--delta", "1.5"], "not an integer"),
            (["--sigma2", "1", "--pa", "0.7", "--delta", "1,1,1", "--dimension", "2"], "nonzero entries"),
            (["--sigma2", "1", "--pa", "0.7", "--tight"], "--dimension"),
            (["--sigma2", "0", "--pa", "0.7"], "> 0"),
            (["--sigma2", "1", "--pa", "0.7", "--noise", "laplace"], "discrete-gaussian"),
          ])
    func radiusBadInput(args: [String], fragment: String) {
        let m = Self.failure(RadiusCommand.self, args)
        #expect(m?.contains(fragment) == true, "\(args): \(m ?? "no error")")
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
}
