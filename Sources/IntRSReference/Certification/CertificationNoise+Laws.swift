import IntRSCore
import IntRSExact

extension CertificationNoise {
    /// The discrete Gaussian N_Z(0, sigma2) (layered likelihood ratio: NP-1 is exact for every delta;
    /// the Rényi shift bound of REN-1 holds; the lattice collapse COL-1 applies).
    public static func discreteGaussian(sigma2: Rational) throws -> CertificationNoise {
        let law = try DiscreteGaussianLaw(sigma2: sigma2)
        return CertificationNoise(name: NoiseFamily.discreteGaussian.rawValue, sigma2: sigma2,
                                  likelihoodRatioIsLayered: true, renyiShiftBound: true, latticeCollapse: true, enclosed: { law.enclosed(bits: $0) },
                                  enclosedUnlessStopped: { law.enclosed(bits: $0, stop: $1) })
    }

    /// The rounded Gaussian round(N(0, sigma2)) (log-concave: NP-1 exact for one nonzero coordinate only).
    public static func roundedGaussian(sigma2: Rational) throws -> CertificationNoise {
        let law = try RoundedGaussianLaw(sigma2: sigma2)
        return CertificationNoise(name: NoiseFamily.roundedGaussian.rawValue, sigma2: sigma2,
                                  likelihoodRatioIsLayered: false, enclosed: { law.enclosed(bits: $0) },
                                  enclosedUnlessStopped: { law.enclosed(bits: $0, stop: $1) })
    }

    public static func family(_ f: NoiseFamily, sigma2: Rational) throws -> CertificationNoise {
        switch f {
        case .discreteGaussian: return try discreteGaussian(sigma2: sigma2)
        case .roundedGaussian: return try roundedGaussian(sigma2: sigma2)
        }
    }
}
