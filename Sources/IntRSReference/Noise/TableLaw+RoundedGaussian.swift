import IntRSCore
import IntRSExact

extension TableLaw {
    /// Rounded-Gaussian CDF enclosures: available once `Enclosure.phi` lands (RoundedGaussianLaw).
    static func roundedGaussianCDF(sigma2: Rational, bits: Int, extra: Int) throws(NoiseError) -> (offset: Int, cdf: [Interval]) {
        throw .invalidTable("rounded-gaussian tables need the Phi enclosure, which has not landed yet")
    }

    static func roundedGaussianEnclosed(sigma2: Rational, bits: Int) -> EnclosedLaw {
        preconditionFailure("rounded-gaussian laws need the Phi enclosure, which has not landed yet")
    }
}
