import Testing
import IntRSCore
import IntRSExact
import IntRSReference

/// The one sigma2 domain [2^-10, 2^16] of the reference noise laws: the initialisers throw just
/// outside both ends and accept both ends and the vectors' extremes.
@Suite("Sigma2 domain of the reference noise laws")
struct Sigma2DomainTests {
    static let outside: [Rational] = [Rational(1, 1025), Rational(1, 10_000_000), Rational(65537), Rational(1_000_000_000_000)]
    static let inside: [Rational] = [Rational(1, 1024), Rational(1, 100), Rational(65025, 16), Rational(65536)]

    @Test("initialisers throw outside the domain, naming --sigma2 and the value", arguments: outside)
    func outsideThrows(_ s2: Rational) {
        check(s2, "discrete") { try DiscreteGaussianLaw(sigma2: s2) }
        check(s2, "rounded") { try RoundedGaussianLaw(sigma2: s2) }
        check(s2, "table") { try TableLaw(family: .discreteGaussian, sigma2: s2, bits: 64) }
    }

    func check<T>(_ s2: Rational, _ what: String, _ make: () throws -> T) {
        do { _ = try make(); Issue.record("\(what): sigma2 = \(s2) accepted") } catch let error as NoiseError {
            guard case .sigma2OutsideDomain(let m) = error else { Issue.record("\(what): \(error)"); return }
            #expect(m.contains("--sigma2") && m.contains(s2.description) && m.contains("outside the supported domain"))
        } catch { Issue.record("\(what): \(error)") }
    }

    @Test("initialisers accept both domain ends", arguments: inside)
    func insideAccepted(_ s2: Rational) throws {
        _ = try DiscreteGaussianLaw(sigma2: s2)
        _ = try RoundedGaussianLaw(sigma2: s2)
    }

    @Test("the smallest sigma2 gives a law with finite, sound enclosures")
    func lowerEndComputes() throws {
        let law = try DiscreteGaussianLaw(sigma2: Sigma2Domain.lowerBound)
        #expect(law.window(tailBits: 64) >= 1)
        let r = try RoundedGaussianLaw(sigma2: Sigma2Domain.lowerBound)
        #expect(r.tailBound(window: 1, bits: 64) < Rational(1).timesPowerOfTwo(-64))
    }

    @Test("Enclosure.exp is total for very negative arguments: [0, 2^-bits] encloses e^x")
    func expVeryNegative() {
        let e = Enclosure.exp(Rational(-(1 << 25)), bits: 64)
        #expect(e.lo == Rational(0) && e.hi == Rational(1).timesPowerOfTwo(-64))
    }
}
