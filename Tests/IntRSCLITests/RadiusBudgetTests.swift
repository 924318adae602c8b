import Foundation
import Testing
import IntRSCore
import IntRSExact
@testable import IntRSCLI
@testable import IntRSRun

/// Issue 14, part 2, item 4: `radius --max-seconds` holds on hard cases, for --tight and --delta, within a stated
/// slack. The slack here (`slack`) is loose on purpose: debug build, shared 2-core machine; the release figures are
/// in README ("Time budgets"). Each case would run for minutes (or hours) without the budget.
@Suite("radius: the --max-seconds budget holds")
struct RadiusBudgetTests {
    /// Allowed overshoot (elapsed - budget) in these tests: debug build on a loaded machine.
    static let slack = 6.0

    /// The class (1, 64) boundary at sigma2 = 1000 plus about 1e-20: midCDF of N_Z(0, 64000) at 64 (the law of T for
    /// every pattern of that class, up to COL-1's tau < 1e-77), computed with mpmath at 220 digits
    /// (the sum of exp(-k^2 / 128000) over k < 64 plus half the k = 64 term, over the sum over all k), plus 1e-20.
    /// Every pattern of norm 64 and gcd 1 is then a near-tie that the fixed-width rungs cannot decide.
    static let nearBoundaryPA = "0.599858893560719013061488913229"

    /// Runs radius with the arguments; returns the answer and the wall time in seconds.
    static func timed(_ args: [String]) throws -> (RadiusCommand.Output, Double) {
        let clock = ContinuousClock()
        let t0 = clock.now
        let out = try RadiusCommand.parse(args + ["--json"]).compute()
        let c = (clock.now - t0).components
        return (out, Double(c.seconds) + Double(c.attoseconds) * 1e-18)
    }

    @Test("--tight, sigma2 = 1000, d = 64, pA within 1e-20 of a class boundary: --max-seconds 1 returns a sound partial certificate in time")
    func tightNearBoundary() throws {
        let (out, seconds) = try Self.timed(["--sigma2", "1000", "--pa", Self.nearBoundaryPA, "--tight", "--dimension", "64",
                                             "--max-norm2", "100", "--max-seconds", "1"])
        #expect(seconds < 1 + Self.slack, "elapsed \(seconds) s for a 1 s budget")
        let t = try #require(out.tight)
        #expect(!t.complete && t.nStar == nil, "\(t.statement)")
        // Sound partial certificate: at least n_R (40 here), and below n*, which is at most 81 (the single part (9) is
        // not certified; the near-ties of norm 64 are certified by a hair, so n* > 64).
        #expect(t.renyiFloor == 40 && (40...80).contains(t.maxCertifiedNorm2 ?? 0), "\(t.statement)")
    }

    @Test("--delta 1^64 at sigma2 = 1000, pA within 1e-20 of the boundary: --max-seconds 1 answers undecided (not certified) in time")
    func deltaNearBoundary() throws {
        let ones = Array(repeating: "1", count: 64).joined(separator: ",")
        let (out, seconds) = try Self.timed(["--sigma2", "1000", "--pa", Self.nearBoundaryPA, "--delta", ones, "--max-seconds", "1"])
        #expect(seconds < 1 + Self.slack, "elapsed \(seconds) s for a 1 s budget")
        let s = try #require(out.shift)
        #expect(s.decision == "undecided" && s.budgetExhausted == true && s.budgetNote?.contains("not decided within the budget") == true,
                "\(s.decision) \(s.budgetNote ?? "-")")
    }

    @Test("--delta 1,1,1,1 at sigma2 = 8: the witness check (8.5 million noise points) stops at the budget; the decision stands")
    func witnessCheckBudget() throws {
        let (out, seconds) = try Self.timed(["--sigma2", "8", "--pa", "0.6", "--delta", "1,1,1,1", "--max-seconds", "1"])
        #expect(seconds < 1 + Self.slack, "elapsed \(seconds) s for a 1 s budget")
        let s = try #require(out.shift)
        #expect(s.decision == "not-certified" && s.budgetExhausted == nil, "\(s.decision)")
        #expect(s.witnessCheck?.contains("budget ran out") == true, "\(s.witnessCheck ?? "-")")
    }

    /// Long run (INTRS_LONG_TESTS=1, release in CI): the issue's own case at 5 and 20 s, and --delta at the 512-bit
    /// rung, each within 2 s of its budget (README's measured overshoots are tenths of a second).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["INTRS_LONG_TESTS"] == "1"), arguments: [5.0, 20.0])
    func longBudgets(budget: Double) throws {
        let (out, seconds) = try Self.timed(["--sigma2", "1000", "--pa", Self.nearBoundaryPA, "--tight", "--dimension", "64",
                                             "--max-norm2", "100", "--max-seconds", String(budget)])
        #expect(seconds < budget + 2, "elapsed \(seconds) s for a \(budget) s budget")
        #expect(out.tight?.complete == false && (out.tight?.maxCertifiedNorm2 ?? 0) >= 40)
        let ones = Array(repeating: "1", count: 64).joined(separator: ",")
        // pA within about 1e-140 of the boundary (mpmath, as above): only the 512-bit rung could decide it.
        let pA = "0.5998588935607190130514889132298082648304364164764468597734"
            + "829452454614078332692919193255168825838529119180193678457402"
            + "290378259365463054192893260775684560955216"
        let (d, dSeconds) = try Self.timed(["--sigma2", "1000", "--pa", pA, "--delta", ones, "--max-seconds", String(budget)])
        #expect(dSeconds < budget + 2, "elapsed \(dSeconds) s for a \(budget) s budget")
        #expect(d.shift?.budgetExhausted == true && d.shift?.decision == "undecided")
    }

    @Test("--max-seconds applies to --tight and --delta only; --max-patterns to --tight only")
    func budgetOptions() {
        #expect(CertificationCommandsTests.failure(RadiusCommand.self, ["--sigma2", "1", "--pa", "0.7", "--max-seconds", "5"])?
            .contains("--tight and --delta only") == true)
        #expect(CertificationCommandsTests.failure(RadiusCommand.self, ["--sigma2", "1", "--pa", "0.7", "--delta", "1", "--max-patterns", "5"])?
            .contains("--tight only") == true)
        #expect(CertificationCommandsTests.failure(RadiusCommand.self, ["--sigma2", "1", "--pa", "0.7", "--delta", "1", "--max-seconds", "5"]) == nil)
    }
}
