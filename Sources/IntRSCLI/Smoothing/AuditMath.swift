import Foundation
import IntRSExact
import IntRSReference
import IntRSCore

/// The exact-reference pieces the audit re-derives certificates with (owners: the exact Clopper–Pearson,
/// the Phi/PhiInv enclosures, the noise laws, the tight Neyman–Pearson analysis).
enum AuditMath {
    /// One-sided (1 - alpha) Clopper–Pearson lower bound, exact dyadic, rounded down (64 bits).
    static func clopperPearsonLower(successes k: Int, trials n: Int, alpha: Rational) throws -> Rational {
        try SmoothingCertificates.clopperPearsonLower(k, n, alpha)
    }

    /// Enclosure of Phi(x) for an interval argument (monotone).
    static func phi(_ x: Interval, bits: Int) throws -> Interval {
        try SmoothingCertification.phi(x, bits: bits)
    }

    /// Enclosure of PhiInv(p).
    static func phiInverse(_ p: Interval, bits: Int) throws -> Interval {
        try SmoothingCertification.phiInverse(p, bits: bits)
    }

    /// The sampler's per-coordinate total-variation bound, re-derived from the recorded configuration, or nil
    /// when this build cannot re-derive it (then the recorded value is used and the audit says so).
    static func tvBound(noise: String, sigma2: Rational, sampler: String, tableBits: Int?) throws -> Rational? {
        if sampler == "exact" { return Rational(0) }
        guard sampler == "table", let bits = tableBits else { return nil }
        let family: NoiseFamily = noise == "rounded-gaussian" ? .roundedGaussian : .discreteGaussian
        // The same law and precision `intrs certify` uses (SmoothingNoise.make).
        return try TableLaw(family: family, sigma2: sigma2, bits: bits).totalVariationBound(bits: max(2 * bits, 128))
    }

    /// Tight mode: is every integer delta with |delta|^2 < norm2 certified for pA = p (binary form) under
    /// N_Z(0, sigma2)^d? nil when this build cannot decide.
    static func tightCertifies(p: Rational, norm2: Int, sigma2: Rational, dimension: Int,
                               cache: inout [String: (maxNorm2: Int, g: [Int: Rational])]) throws -> Bool? {
        let key = "\(sigma2)|\(dimension)"
        if cache[key] == nil || cache[key]!.maxNorm2 < norm2 - 1 {
            // Enumerate once up to a generous norm, so later lines reuse it.
            let m = max(norm2 - 1, 2 * (cache[key]?.maxNorm2 ?? 0))
            cache[key] = (m, try SmoothingCertification.tightMaxMidCDF(sigma2: sigma2, dimension: dimension, maxNorm2: m))
        }
        return p > SmoothingCertification.tightThreshold(maxMidCDF: cache[key]!.g, norm2: norm2)
    }
}
