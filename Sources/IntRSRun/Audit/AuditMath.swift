import Foundation
import IntRSExact
import IntRSReference
import IntRSCore

/// The exact-reference pieces the audit re-derives certificates with (owners: the exact Clopper–Pearson,
/// the Phi/PhiInv enclosures, the noise laws, the tight Neyman–Pearson analysis).
package enum AuditMath {
    /// One-sided (1 - alpha) Clopper–Pearson lower bound, exact dyadic, rounded down (64 bits).
    package static func clopperPearsonLower(successes k: Int, trials n: Int, alpha: Rational) throws -> Rational {
        try SmoothingCertificates.clopperPearsonLower(k, n, alpha)
    }

    /// Enclosure of Phi(x) for an interval argument (monotone).
    package static func phi(_ x: Interval, bits: Int) throws -> Interval {
        try SmoothingCertification.phi(x, bits: bits)
    }

    /// Enclosure of PhiInv(p).
    package static func phiInverse(_ p: Interval, bits: Int) throws -> Interval {
        try SmoothingCertification.phiInverse(p, bits: bits)
    }

    /// The sampler's per-coordinate total-variation bound, re-derived from the recorded configuration, or nil
    /// when this build cannot re-derive it (then the recorded value is used and the audit says so).
    package static func tvBound(noise: String, sigma2: Rational, sampler: String, tableBits: Int?) throws -> Rational? {
        guard let kind = SamplerKind(rawValue: sampler), kind == .exact || tableBits != nil else { return nil }
        // The same rule `intrs certify` charges (NoiseConfiguration.totalVariationBound).
        let family: NoiseFamily = noise == "rounded-gaussian" ? .roundedGaussian : .discreteGaussian
        return try NoiseConfiguration(family: family, sigma2: sigma2, sampler: kind, tableBits: tableBits).totalVariationBound()
    }

    /// What the tight audit keeps per (sigma2, d): the per-norm maxima of the pattern enumeration up to
    /// `maxNorm2` (every pattern of norm <= maxNorm2 enumerated), and the one-coordinate law.
    package struct TightEntry { var maxNorm2: Int = 0; var g: [Int: Rational] = [:]; var law: EnclosedLaw? = nil }
    package typealias TightCache = [String: TightEntry]

    /// Tight mode: is every integer delta with |delta|^2 < norm2 certified for pA = p (binary form) under
    /// N_Z(0, sigma2)^d, by the table builder's analysis (p > M(norm2), the maximum of upper ends of midCDF over
    /// the shift patterns of norm < norm2 with at most d parts, NP-3) or by CF-2's closed form? Decided with
    /// work bounded by what p can certify, not by the claim (issue 16 item 10):
    /// 1. Refuted at once when p does not exceed a lower bound of the single-part pattern (k), k = isqrt(norm2 - 1)
    ///    (a sum over the one-coordinate law; every analysis needs p above it).
    /// 2. Certified at once when p > Phi(sqrt((norm2 - 1) / sigma2)) (upper end of an enclosure): by CF-2 every
    ///    pattern of norm m <= norm2 - 1 has midCDF < Phi(sqrt(m) / sigma) (Proofs/CF-2.md), so p exceeds
    ///    the true worst case of each; sound, and it is the closed-form certificate audit accepts in binary mode.
    /// 3. Otherwise decided by the enumeration of the patterns of norm < norm2, which stops at the first pattern
    ///    that is not certified (its upper end >= p): the claim is refuted there. The depth-first order reaches
    ///    the patterns of largest norm first, so a raised claim is refuted after a few patterns; an honest
    ///    claim (or one raised by less than the gap to the next square, which step 1 lets through) enumerates
    ///    what the table builder enumerated for it. Since p <= CP_lower(N, N, alpha) - d x tv (the record's own
    ///    N, alpha, d and sampler), the claims that reach this step are bounded by those parameters: step 1
    ///    refutes every claim whose single part p does not exceed.
    /// A completed enumeration is kept and shared by the lines of one (sigma2, d); it grows to the largest
    /// certified claim by at least a quarter each time (a file costs a few times its largest enumeration).
    package static func tightCertifies(p: Rational, norm2: Int, sigma2: Rational, dimension: Int,
                               cache: inout TightCache) throws -> Bool {
        let m = norm2 - 1
        if p <= Rational(1, 2) { return false }
        if m < 1 { return true }
        let key = "\(sigma2)|\(dimension)"
        if cache[key] == nil {
            if cache.count >= 16 { cache.removeAll() }   // bounded memory on files with many configurations
            cache[key] = TightEntry()
        }
        if cache[key]!.law == nil { cache[key]!.law = try SmoothingCertification.discreteGaussianEnclosed(sigma2: sigma2) }
        let single = SmoothingCertification.tightSinglePartMidCDFLower(cache[key]!.law!, part: TightRadius.isqrt(m))
        if p <= single { return false }
        if p > SmoothingCertification.phiOfSqrtUpper(Rational(m) / sigma2) { return true }
        if cache[key]!.maxNorm2 < m {
            let old = cache[key]!.maxNorm2
            let target = max(m, old + old / 4)
            // Stops (nil) at the first pattern of norm <= m that p does not certify; the norms above m (the
            // growth margin) are enumerated for later lines only and never refute this one.
            guard let g = try SmoothingCertification.tightMaxMidCDF(sigma2: sigma2, dimension: dimension, maxNorm2: target,
                                                                     stoppingAt: p, stopNorm2: m) else { return false }
            cache[key]!.g = g
            cache[key]!.maxNorm2 = target
        }
        return p > SmoothingCertification.tightThreshold(maxMidCDF: cache[key]!.g, norm2: norm2)
    }
}
