import Foundation
import Testing
import IntRSCore
import IntRSExact
import IntRSReference
@testable import IntRSCLI
@testable import IntRSRun

/// `intrs certify` with no arguments must find its certificate table in the bundle (building one for
/// N = 100,000 takes minutes), and the shipped table must be the one the exact reference builds.
@Suite("shipped certificate table")
struct ShippedCertificateTableTests {
    static func defaultSpec() throws -> (CertificateTableBuilder.Spec, String) {
        let o = try SmoothingOptions.parse([])
        let model = try Int8Model.load(from: ShippedDefaults.url(SmoothingDefaults.modelResource)!)
        let d = model.input.shape.reduce(1, *)
        let law = try TableLaw(family: .discreteGaussian, sigma2: try Rational(parsing: SmoothingDefaults.sigma2), bits: o.tableBits)
        let eta = law.certificationTotalVariationBound
        let spec = try SmoothingCertification.spec(noise: NoiseConfiguration(family: .discreteGaussian, sigma2: try Rational(parsing: SmoothingDefaults.sigma2),
                                                                             sampler: o.sampler, tableBits: o.tableBits),
                                                   eta: eta, dimension: d, estimationSamples: o.n, alpha: try o.parsedAlpha(),
                                                   radiusMode: o.radiusMode)
        return (spec, try SmoothingCertificates.cacheName(spec.configuration))
    }

    @Test("the default configuration's table is shipped and well-formed")
    func shipped() throws {
        let (spec, name) = try Self.defaultSpec()
        let url = try #require(ShippedDefaults.url("certificate-tables/" + name), "no shipped table \(name) for the default configuration")
        let t = try CertificateTable.load(from: url)
        #expect(t.configuration == spec.configuration)
        #expect(t.problems().isEmpty)
    }

    @Test("the shipped table equals a fresh exact build (minutes; INTRS_LONG_TESTS=1)",
          .enabled(if: ProcessInfo.processInfo.environment["INTRS_LONG_TESTS"] == "1"))
    func rebuild() throws {
        let (spec, name) = try Self.defaultSpec()
        let shipped = try CertificateTable.load(from: try #require(ShippedDefaults.url("certificate-tables/" + name)))
        let n = spec.estimationSamples, alpha = spec.alpha
        let fresh = try CertificateTableBuilder.build(spec: spec,
            lowerBound: { k in try SmoothingCertification.clopperPearsonLower(successes: k, trials: n, alpha: alpha) },
            phiUpper: SmoothingCertification.phiOfSqrtUpper, generator: shipped.generator)
        #expect(fresh == shipped)
    }
}
