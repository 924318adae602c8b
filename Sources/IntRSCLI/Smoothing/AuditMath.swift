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
        return try TableLaw(family: family, sigma2: sigma2, bits: bits).certificationTotalVariationBound
    }

    /// What the tight audit keeps per (sigma2, d): the per-norm maxima of the pattern enumeration up to
    /// `maxNorm2`, and the single-part enclosures already computed.
    struct TightEntry { var maxNorm2: Int = 0; var g: [Int: Rational] = [:]; var law: EnclosedLaw? = nil }
    typealias TightCache = [String: TightEntry]

    /// Tight mode: is every integer delta with |delta|^2 < norm2 certified for pA = p (binary form) under
    /// N_Z(0, sigma2)^d, by the table builder's analysis (pA_eff > M(norm2), the maximum of upper ends)?
    ///
    /// Work is bounded by what p can certify, not by the claim: the single-part pattern (k), k = isqrt(norm2 - 1),
    /// is tried first (a sum over the one-coordinate law): when p does not exceed a lower bound of its midCDF the
    /// claim fails at once (every analysis needs p above it). Only a claim that passes it enumerates the patterns, up to norm2 - 1, and the
    /// enumeration is shared by the lines of one (sigma2, d): it grows to the largest such claim (by at least a
    /// quarter each time, so a file costs a few times its largest enumeration at most).
    static func tightCertifies(p: Rational, norm2: Int, sigma2: Rational, dimension: Int,
                               cache: inout TightCache) throws -> Bool {
        let m = norm2 - 1
        if m < 1 { return p > Rational(1, 2) }
        let key = "\(sigma2)|\(dimension)"
        if cache[key] == nil {
            if cache.count >= 16 { cache.removeAll() }   // bounded memory on files with many configurations
            cache[key] = TightEntry()
        }
        if cache[key]!.law == nil { cache[key]!.law = try SmoothingCertification.discreteGaussianEnclosed(sigma2: sigma2) }
        let single = SmoothingCertification.tightSinglePartMidCDFLower(cache[key]!.law!, part: TightRadius.isqrt(m))
        if p <= single { return false }
        if cache[key]!.maxNorm2 < m {
            let old = cache[key]!.maxNorm2
            let target = max(m, old + old / 4)
            cache[key]!.g = try SmoothingCertification.tightMaxMidCDF(sigma2: sigma2, dimension: dimension, maxNorm2: target)
            cache[key]!.maxNorm2 = target
        }
        return p > SmoothingCertification.tightThreshold(maxMidCDF: cache[key]!.g, norm2: norm2)
    }
}
