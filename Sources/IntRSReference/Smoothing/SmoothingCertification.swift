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
        throw SmoothingReferenceError.invalid("the exact Clopper-Pearson bound has not landed in this build yet")
    }

    /// Enclosure of Phi on an interval argument (monotone).
    public static func phi(_ x: Interval, bits: Int) throws -> Interval {
        throw SmoothingReferenceError.invalid("the Phi enclosure has not landed in this build yet")
    }

    /// Enclosure of PhiInv on an interval argument inside (0, 1) (monotone).
    public static func phiInverse(_ p: Interval, bits: Int) throws -> Interval {
        throw SmoothingReferenceError.invalid("the PhiInv enclosure has not landed in this build yet")
    }

    /// The certificate table of a run configuration. `radiusMode`: "binary" (closed form), "tight", or
    /// "two-class" (rounded Gaussian; pB = 1 - pA gives the binary thresholds).
    public static func table(noise: NoiseFamily, sigma2: Rational, sampler: String, tableBits: Int?, eta: Rational,
                             dimension: Int, estimationSamples n: Int, alpha: Rational, radiusMode: String) throws -> CertificateTable {
        throw SmoothingReferenceError.invalid("the certificate table builder inputs (Clopper-Pearson, Phi) have not landed in this build yet")
    }
}
