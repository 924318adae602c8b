import IntRSCore
import IntRSExact

/// The exact pieces a smoothing run certifies with, in one place for `intrs certify`, `intrs audit` and the
/// end-to-end vectors: the Clopper–Pearson lower bound (exact, rounded down), Phi enclosures, and the
/// certificate table for a run configuration (built by `CertificateTableBuilder`, Proofs: TAB-1).
public enum SmoothingCertification {
    /// Bits of the Clopper–Pearson bound (dyadic, rounded down, within 2^-64 of the true bound).
    public static let clopperPearsonBits = 64

    /// The one-sided (1 - alpha) Clopper–Pearson lower bound for k successes in n trials.
    public static func clopperPearsonLower(successes k: Int, trials n: Int, alpha: Rational) throws -> Rational {
        try ClopperPearson.lowerBound(successes: k, trials: n, alpha: alpha, bits: clopperPearsonBits)
    }

    /// Enclosure of Phi on an interval argument (monotone).
    public static func phi(_ x: Interval, bits: Int) throws -> Interval {
        Enclosure.phi(x, bits: bits)
    }

    /// Enclosure of PhiInv on an interval argument inside (0, 1) (monotone).
    public static func phiInverse(_ p: Interval, bits: Int) throws -> Interval {
        guard p.lo > Rational(0), p.hi < Rational(1) else {
            throw SmoothingReferenceError.invalid("PhiInv needs an argument inside (0, 1), got \(p)")
        }
        return Enclosure.phiInverse(p, bits: bits)
    }

    /// Bits of the Phi enclosures behind the thresholds M(n) (upper ends are used: conservative).
    public static let phiBits = 96

    /// An upper bound of Phi(sqrt(x2)), x2 >= 0 rational (the table builder's `phiUpper`).
    public static func phiOfSqrtUpper(_ x2: Rational) -> Rational {
        Enclosure.phi(Enclosure.sqrt(x2, bits: phiBits), bits: phiBits).hi
    }

    /// The analysed per-coordinate law for the table builder.
    static func certificationNoise(_ family: NoiseFamily, sigma2: Rational) throws -> CertificationNoise {
        try CertificationNoise.family(family, sigma2: sigma2)
    }

    /// Tight mode (discrete Gaussian, binary form): the table builder's threshold M(n) = max(1/2, the largest
    /// upper end of midCDF_P(|P|^2) over shift patterns P with 0 < |P|^2 < n and at most d parts) (NP-3,
    /// ENUM-1). pA_eff > M(n) certifies every integer delta with |delta|^2 < n.
    public static func tightThreshold(sigma2: Rational, dimension d: Int, norm2 n: Int) throws -> Rational {
        tightThreshold(maxMidCDF: try tightMaxMidCDF(sigma2: sigma2, dimension: d, maxNorm2: n - 1), norm2: n)
    }

    /// The per-norm maxima behind `tightThreshold`, for every norm m <= maxNorm2 (compute once, reuse).
    public static func tightMaxMidCDF(sigma2: Rational, dimension d: Int, maxNorm2: Int) throws -> [Int: Rational] {
        if maxNorm2 < 1 { return [:] }
        let analyzer = ShiftAnalyzer(noise: try certificationNoise(.discreteGaussian, sigma2: sigma2))
        return CertificateTableBuilder.maxMidCDFByNorm(analyzer: analyzer, dimension: d, maxNorm2: maxNorm2)
    }

    /// ``tightMaxMidCDF(sigma2:dimension:maxNorm2:)`` that stops (nil) at the first pattern of norm <=
    /// `stopNorm2` whose upper end of midCDF is >= `p`: a shift the analysis does not certify at p.
    public static func tightMaxMidCDF(sigma2: Rational, dimension d: Int, maxNorm2: Int,
                                      stoppingAt p: Rational, stopNorm2: Int) throws -> [Int: Rational]? {
        if maxNorm2 < 1 { return [:] }
        let analyzer = ShiftAnalyzer(noise: try certificationNoise(.discreteGaussian, sigma2: sigma2))
        return CertificateTableBuilder.maxMidCDFByNorm(analyzer: analyzer, dimension: d, maxNorm2: maxNorm2,
                                                       stoppingAt: p, stopNorm2: stopNorm2)
    }

    /// The per-coordinate law N_Z(0, sigma2) enclosed at `bits` bits (for ``tightSinglePartMidCDFLower(_:part:)``).
    public static func discreteGaussianEnclosed(sigma2: Rational, bits: Int = 64) throws -> EnclosedLaw {
        try certificationNoise(.discreteGaussian, sigma2: sigma2).enclosed(bits)
    }

    /// Tight mode: a rigorous LOWER bound on midCDF_(k)(k^2) = P[eps < k] + P[eps = k] / 2 (eps ~ `law`), the
    /// worst-case probability of the single-part shift (k) (NP-3; T = k eps, and T < k^2 iff eps < k). Sums the
    /// lower ends of the window's masses: O(window), whatever k. Since every analysis that certifies |delta|^2 < n
    /// needs pA_eff > midCDF_(k)(k^2) for k^2 < n (the table builder's M(n) maximises upper ends of the same
    /// quantity), pA_eff <= this bound refutes any such claim at once: audits try it first, so that the work
    /// of checking a claimed n* is bounded by what pA_eff can certify, not by the claim.
    public static func tightSinglePartMidCDFLower(_ law: EnclosedLaw, part k: Int) -> Rational {
        var sum = Rational(0)
        for (i, m) in law.masses.enumerated() {
            let j = law.offset + i
            if j < k { sum += m.lo } else if j == k { sum += m.lo / Rational(2) } else { break }
        }
        return sum
    }

    /// M(n) from precomputed per-norm maxima (which must cover every norm below n).
    public static func tightThreshold(maxMidCDF g: [Int: Rational], norm2 n: Int) -> Rational {
        var m = Rational(1, 2)
        for (k, v) in g where k < n { m = Rational.max(m, v) }
        return m
    }

    /// The certificate table of a run configuration: `noise` (law, sampler and bits), eta (the sampler's
    /// per-coordinate total-variation bound; nil: ``NoiseConfiguration/totalVariationBound()``), d, N, alpha and
    /// the radius mode (binary: closed form; tight: exact Neyman–Pearson, discrete Gaussian only; two-class:
    /// rounded Gaussian only, pB = 1 - pA gives the binary thresholds).
    public static func table(noise: NoiseConfiguration, eta: Rational? = nil, dimension: Int, estimationSamples n: Int,
                             alpha: Rational, radiusMode: RadiusMode) throws -> CertificateTable {
        let spec = try self.spec(noise: noise, eta: try eta ?? noise.totalVariationBound(), dimension: dimension,
                                 estimationSamples: n, alpha: alpha, radiusMode: radiusMode)
        return try CertificateTableBuilder.build(spec: spec,
                                                 lowerBound: { k in try clopperPearsonLower(successes: k, trials: n, alpha: alpha) },
                                                 phiUpper: phiOfSqrtUpper, generator: "intrs certify \(IntRSVersion.string)")
    }

    /// The table builder's specification of a run configuration (its `configuration` names a table).
    /// Throws for a radius mode that is not sound for the noise family (``RadiusMode/isSound(for:)``).
    public static func spec(noise: NoiseConfiguration, eta: Rational, dimension: Int, estimationSamples n: Int,
                            alpha: Rational, radiusMode: RadiusMode) throws -> CertificateTableBuilder.Spec {
        let mode: CertificateTableBuilder.Mode
        let form: CertificateTableBuilder.Form
        switch radiusMode {
        case .binary: mode = .closedForm; form = .binary
        case .tight:
            guard radiusMode.isSound(for: noise.family) else { throw SmoothingReferenceError.invalid("radius mode tight: for discrete-gaussian noise only (rounded-gaussian uses the exact closed form)") }
            mode = .tight; form = .binary
        case .twoClass:
            guard radiusMode.isSound(for: noise.family) else { throw SmoothingReferenceError.invalid("radius mode two-class: sound only for rounded-gaussian noise") }
            mode = .closedForm; form = .twoClass
        }
        return CertificateTableBuilder.Spec(noise: try certificationNoise(noise.family, sigma2: noise.sigma2), noiseName: noise.family.rawValue,
                                            sampler: noise.sampler.rawValue, eta: eta, samplerBits: noise.tableBits, dimension: dimension,
                                            estimationSamples: n, alpha: alpha, form: form, mode: mode)
    }
}
