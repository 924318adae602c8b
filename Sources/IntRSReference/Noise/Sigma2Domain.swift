import IntRSCore
import IntRSExact

/// The one parameter domain of the reference noise laws (discrete Gaussian, rounded Gaussian and
/// their CDT tables): `2^-10 <= sigma2 <= 2^16` grid units^2.
///
/// Why these ends: below `sigma2 = 2^-10` both laws put mass `> 1 - 2^-700` on 0 (no smoothing at
/// all), and the enclosures would need `exp` of arguments beyond `-2^11`; above `sigma2 = 2^16`
/// (sigma = 256 grid units, the whole int8 range) the noise swamps every input, and the exact
/// window grows past a few thousand points (the reference would run for hours). The domain keeps
/// every `Enclosure.exp` argument within `|x| <= 2^12` and contains every sigma2 the vectors use
/// (1/100 ... 65025/16). Checked in `DiscreteGaussianLaw(sigma2:)`, `RoundedGaussianLaw(sigma2:)` and
/// `TableLaw(family:sigma2:bits:)`, which throw ``NoiseError/sigma2OutsideDomain(_:)``.
public enum Sigma2Domain {
    /// 2^-10 = 1/1024.
    public static let lowerBound = Rational(1, 1024)
    /// 2^16 = 65536.
    public static let upperBound = Rational(65536)

    /// Throws `.nonPositiveSigma2` for sigma2 <= 0 and `.sigma2OutsideDomain` outside [2^-10, 2^16].
    public static func check(_ sigma2: Rational) throws(NoiseError) {
        guard sigma2.signum > 0 else { throw .nonPositiveSigma2(sigma2.description) }
        guard sigma2 >= lowerBound, sigma2 <= upperBound else {
            throw .sigma2OutsideDomain(
                "--sigma2 \(sigma2.description): outside the supported domain "
                + "[1/1024, 65536] grid units^2 (2^-10 ... 2^16) of the reference noise laws")
        }
    }
}
