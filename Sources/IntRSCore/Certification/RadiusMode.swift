/// How CERTIFY turns pA's effective lower bound into a certified |delta|^2 (Proofs/README.md).
///
/// The raw values are the words of the command line, the run records, the certificate tables' file names and
/// the vectors ("binary", "tight", "two-class"); a PREDICT record, which certifies no radius, records "none"
/// (``RadiusMode/recordedNone``), which is not a mode.
public enum RadiusMode: String, Codable, Sendable, CaseIterable {
    /// The binary closed form sigma x PhiInv(pA): exact for the rounded Gaussian (post-processing), sound for
    /// the discrete Gaussian by CF-2 (Proofs/CF-2.md).
    case binary
    /// The exact Neyman–Pearson analysis over integer shifts (discrete Gaussian only; never smaller than binary).
    case tight
    /// The two-class form with pB = 1 - pA, which certifies what binary does (rounded Gaussian only).
    case twoClass = "two-class"

    /// The `radiusMode` field of a PREDICT record.
    public static let recordedNone = "none"

    /// Whether this mode is sound for `noise` (tight: discrete Gaussian only; two-class: rounded Gaussian only).
    public func isSound(for noise: NoiseFamily) -> Bool {
        switch self {
        case .binary: true
        case .tight: noise == .discreteGaussian
        case .twoClass: noise == .roundedGaussian
        }
    }
}
