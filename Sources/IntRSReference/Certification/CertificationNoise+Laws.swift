import IntRSCore
import IntRSExact

extension CertificationNoise {
    /// The discrete Gaussian N_Z(0, sigma2) (layered likelihood ratio: NP-1 is exact for every delta).
    public static func discreteGaussian(sigma2: Rational) throws -> CertificationNoise {
        let law = try DiscreteGaussianLaw(sigma2: sigma2)
        return CertificationNoise(name: NoiseFamily.discreteGaussian.rawValue, sigma2: sigma2,
                                  likelihoodRatioIsLayered: true, enclosed: { law.enclosed(bits: $0) })
    }

    /// The rounded Gaussian round(N(0, sigma2)) (log-concave: NP-1 exact for one nonzero coordinate only).
    public static func roundedGaussian(sigma2: Rational) throws -> CertificationNoise {
        _ = try DiscreteGaussianLaw(sigma2: sigma2) // same validation of sigma2 (> 0)
        return CertificationNoise(name: NoiseFamily.roundedGaussian.rawValue, sigma2: sigma2,
                                  likelihoodRatioIsLayered: false, enclosed: { roundedGaussianEnclosed(sigma2: sigma2, bits: $0) })
    }

    public static func family(_ f: NoiseFamily, sigma2: Rational) throws -> CertificationNoise {
        switch f {
        case .discreteGaussian: return try discreteGaussian(sigma2: sigma2)
        case .roundedGaussian: return try roundedGaussian(sigma2: sigma2)
        }
    }

    /// The rounded-Gaussian law enclosed: P[k] = Phi((k + 1/2)/sigma) - Phi((k - 1/2)/sigma) on [-K, K], with the
    /// tail 2 (1 - Phi((K + 1/2)/sigma)) <= 2^-bits. (Written here from `Enclosure.phi` so the certification code
    /// does not wait for `RoundedGaussianLaw.enclosed`; same formula.)
    public static func roundedGaussianEnclosed(sigma2: Rational, bits: Int) -> EnclosedLaw {
        let invSigma = Enclosure.sqrt(Rational(1) / sigma2, bits: bits + 16)
        func phi(_ half: Int) -> Interval { Enclosure.phi(invSigma * Rational(half, 2), bits: bits + 16) } // Phi(half/2 / sigma)
        let eps = Rational.dyadic(BigInt(1), exponent: -bits)
        var K = 0
        while (Rational(1) - phi(2 * K + 1).lo) * 2 > eps { K += 1 }
        var masses: [Interval] = []
        for k in -K ... K {
            let a = phi(2 * k + 1), b = phi(2 * k - 1)
            masses.append(Interval(lo: Rational.max(Rational(0), a.lo - b.hi), hi: a.hi - b.lo))
        }
        return EnclosedLaw(offset: -K, masses: masses, tailMass: (Rational(1) - phi(2 * K + 1).lo) * 2)
    }
}
