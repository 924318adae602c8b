import IntRSCore
import IntRSExact

/// Placeholder until `Enclosure.phi` lands: the rounded Gaussian law needs Phi.
public struct RoundedGaussianLaw: Sendable {
    public let sigma2: Rational
    public init(sigma2: Rational) throws(NoiseError) {
        throw .invalidTable("the rounded-Gaussian law needs the Phi enclosure, which has not landed in IntRSExact yet")
    }
    public func enclosed(bits: Int) -> EnclosedLaw { fatalError() }
    public func variance(bits: Int) -> Interval { fatalError() }
}
