/// Errors for noise parameters, tables and samplers (shared by the reference and the runtime).
public enum NoiseError: Error, Equatable, CustomStringConvertible, Sendable {
    /// sigma2 must be a positive rational.
    case nonPositiveSigma2(String)
    /// sigma2 lies outside the reference laws' domain (IntRSReference `Sigma2Domain`); the message is complete.
    case sigma2OutsideDomain(String)
    /// The fast fixed-width sampler cannot take these parameters without risking overflow.
    case outsideFastDomain(String)
    /// A CDT table's bit width or size is not supported.
    case invalidTable(String)

    public var description: String {
        switch self {
        case .nonPositiveSigma2(let s): return "sigma2 = \(s): must be a positive rational (e.g. 4 or 65025/16)"
        case .outsideFastDomain(let s): return s
        case .sigma2OutsideDomain(let s): return s
        case .invalidTable(let s): return "invalid noise table: \(s)"
        }
    }
}
