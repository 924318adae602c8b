import Testing
import IntRSCore
import IntRSExact
import IntRSRuntime
@testable import IntRSReference

@Suite struct CertificateTableTests {
    static let alpha = Rational(1, 1000)

    static func spec(_ noise: String, _ s2: String, d: Int, n: Int, mode: CertificateTableBuilder.Mode, eta: Rational = 0) throws -> CertificateTableBuilder.Spec {
        CertificateTableBuilder.Spec(noise: try CertificationNoise.family(NoiseFamily(rawValue: noise)!, sigma2: Rational(s2)!), noiseName: noise,
                                     sampler: eta.isZero ? "exact" : "table", eta: eta, samplerBits: eta.isZero ? nil : 32, dimension: d,
                                     estimationSamples: n, alpha: alpha, form: .binary, mode: mode)
    }

    @Test("runtime lookup = reference lookup for every count; tight tables = tight radius search; closed-form tables = closed-form bound",
          arguments: [("discrete-gaussian", "1", 3, CertificateTableBuilder.Mode.tight, Rational(0)),
                      ("discrete-gaussian", "4", 50, .tight, Rational(0)),
                      ("discrete-gaussian", "4", 50, .tight, Rational(1, 100_000)),
                      ("discrete-gaussian", "4", 50, .closedForm, Rational(0)),
                      ("rounded-gaussian", "4", 50, .closedForm, Rational(0))])
    func tables(noise: String, s2: String, d: Int, mode: CertificateTableBuilder.Mode, eta: Rational) throws {
        let n = 60
        let spec = try Self.spec(noise, s2, d: d, n: n, mode: mode, eta: eta)
        let table = try CertificateTableBuilder.build(spec: spec, alpha: Self.alpha)
        #expect(table.problems().isEmpty)
        #expect(!table.steps.isEmpty)
        let ms = try CertificateTableBuilder.thresholds(spec: spec, alpha: Self.alpha)
        let analyzer = ShiftAnalyzer(noise: spec.noise)
        for nA in 0 ... n {
            let cp = try ClopperPearson.lowerBound(successes: nA, trials: n, alpha: Self.alpha)
            let ref = CertificateTableBuilder.referenceLookup(thresholds: ms, dimension: d, eta: eta, lowerBound: cp)
            let fast = table.certifiedNorm2Bound(nA: nA)
            #expect(fast == ref, "nA \(nA): runtime \(String(describing: fast)) reference \(String(describing: ref))")
            guard let got = fast, got < ms.count else { continue }
            let p = cp - Rational(d) * eta
            if mode == .tight {
                let r = TightRadius.search(analyzer: analyzer, pA: p, pB: nil, dimension: d, maxNorm2: ms.count + 1)
                if r.undecided.isEmpty { #expect(r.nStar == got, "nA \(nA): tight search \(String(describing: r.nStar)) table \(got)") }
            } else {
                #expect(ClosedFormRadius.norm2Bound(sigma2: spec.noise.sigma2, pA: p, pB: nil) == got, "nA \(nA)")
            }
        }
    }

    @Test("a table sampler's eta can only lower the certificate")
    func etaLowers() throws {
        let exact = try CertificateTableBuilder.build(spec: Self.spec("discrete-gaussian", "4", d: 50, n: 60, mode: .tight), alpha: Self.alpha)
        let approx = try CertificateTableBuilder.build(spec: Self.spec("discrete-gaussian", "4", d: 50, n: 60, mode: .tight, eta: Rational(1, 1000)), alpha: Self.alpha)
        for nA in 0 ... 60 {
            #expect((approx.certifiedNorm2Bound(nA: nA) ?? 0) <= (exact.certifiedNorm2Bound(nA: nA) ?? 0))
        }
    }

    @Test("a capped table equals the full table up to the cap and certifies nothing beyond it", arguments: [
        CertificateTableBuilder.Mode.tight, .closedForm])
    func capped(mode: CertificateTableBuilder.Mode) throws {
        let spec = try Self.spec("discrete-gaussian", "4", d: 50, n: 60, mode: mode)
        let full = try CertificateTableBuilder.build(spec: spec, alpha: Self.alpha)
        let fullTop = try #require(full.steps.last).norm2Bound
        let cap = 3
        #expect(fullTop > cap + 1, "the cap must bite for this test to mean anything")
        let capped = try CertificateTableBuilder.build(spec: spec, alpha: Self.alpha, maxNorm2: cap)
        #expect(capped.problems().isEmpty)
        #expect(capped.basis.contains("Truncated"))
        #expect(!full.basis.contains("Truncated"))
        for nA in 0 ... 60 {
            let f = full.certifiedNorm2Bound(nA: nA), c = capped.certifiedNorm2Bound(nA: nA)
            #expect(c == f.map { min($0, cap + 1) }, "nA \(nA): capped \(String(describing: c)) full \(String(describing: f))")
        }
    }
}
