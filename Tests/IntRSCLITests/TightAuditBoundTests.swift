import Foundation
import Testing
@testable import IntRSCLI
@testable import IntRSRun
import IntRSExact
import IntRSReference

/// Issue 16 item 10: `intrs audit` of a tight-mode record with a raised certifiedNorm2 costs what p can certify,
/// not what the record claims (AuditMath.tightCertifies).
struct TightAuditBoundTests {
    /// The largest pA_eff any record can have: the Clopper-Pearson bound is a 64-bit dyadic below 1.
    static let pMax = Rational(1) - Rational.dyadic(BigInt(1), exponent: -64)

    @Test("tight audit: a raised claim that survives the single-part refutation stops at the first uncertified shift")
    func raisedClaimStopsEarly() throws {
        // sigma2 = 1, d = 64, pA_eff = 1 - 2^-64: the closed form certifies |delta|^2 < 83 and the exact analysis
        // no more than |delta|^2 < 85. Claims 85 ... 100 all pass the single-part test (k = 9: its midCDF is
        // below p), so they used to enumerate every pattern up to the claim (about 100 s for 100, debug build).
        let sigma2 = Rational(1)
        let law = try SmoothingCertification.discreteGaussianEnclosed(sigma2: sigma2)
        var cache = AuditMath.TightCache()
        #expect(try AuditMath.tightCertifies(p: Self.pMax, norm2: 82, sigma2: sigma2, dimension: 64, cache: &cache))
        for claim in [100, 99, 90, 85] {
            #expect(Self.pMax > SmoothingCertification.tightSinglePartMidCDFLower(law, part: TightRadius.isqrt(claim - 1)),
                    "claim \(claim) must survive the single-part test for this test to mean anything")
            #expect(try !AuditMath.tightCertifies(p: Self.pMax, norm2: claim, sigma2: sigma2, dimension: 64, cache: &cache))
            // Deterministic, not timed: no enumeration ran to completion; each stopped at an uncertified shift.
            try #require(cache.values.allSatisfy { $0.maxNorm2 == 0 }, "claim \(claim) enumerated up to its norm")
        }
    }

    @Test("tight audit: the shortcuts decide as the full enumeration (or CF-2's closed form) does")
    func shortcutsAgreeWithFullEnumeration() throws {
        for (sigma2, d) in [(Rational(9, 4), 8), (Rational(1, 2), 64)] {
            let full = try SmoothingCertification.tightMaxMidCDF(sigma2: sigma2, dimension: d, maxNorm2: 40)
            for p in [Rational(3, 5), Rational(9, 10), Rational(99, 100), Rational(999, 1000), Rational(999_999, 1_000_000), Self.pMax] {
                var cache = AuditMath.TightCache()
                // Descending claims: a refuted claim must not leave an enumeration behind for the next.
                for claim in stride(from: 41, through: 1, by: -1) {
                    let got = try AuditMath.tightCertifies(p: p, norm2: claim, sigma2: sigma2, dimension: d, cache: &cache)
                    let exact = p > SmoothingCertification.tightThreshold(maxMidCDF: full, norm2: claim)
                    let closedForm = claim >= 2 && p > SmoothingCertification.phiOfSqrtUpper(Rational(claim - 1) / sigma2)
                    #expect(got == exact || (got && closedForm), "sigma2 \(sigma2), d \(d), p \(p.decimalString(digits: 8)), claim \(claim): \(got) vs the enumeration's \(exact)")
                }
            }
        }
    }
}
