import IntRSCore
import IntRSExact

/// The exact discrete Gaussian sampler N_Z(0, sigma2) of Canonne, Kamath and Steinke
/// ("The Discrete Gaussian for Differential Privacy", NeurIPS 2020, Algorithm 3), on big integers,
/// consuming the stream exactly as Vectors/stream-spec.md §6 specifies. The executable
/// specification of ``FastDiscreteGaussianSampler`` (IntRSRuntime), which must return the same
/// samples and consume the same words.
///
/// With sigma2 = P/Q in lowest terms: t = floor(sqrt(P/Q)) + 1; repeat { Y = DiscreteLaplace(t);
/// accept with Bernoulli(exp(-x/y)) where x = (|Y| Q t - P)^2 and y = 2 P Q t^2 (the integer form of
/// (|Y| - sigma2/t)^2 / (2 sigma2), NOT reduced) } and return the accepted Y.
/// Proof of correctness: Proofs/noise-sampler-correctness.md (NOISE-1).
public struct ReferenceDiscreteGaussianSampler: Sendable {
    public let sigma2: Rational
    /// P and Q: sigma2 in lowest terms.
    public let p: BigInt, q: BigInt
    /// The Laplace scale t = floor(sqrt(sigma2)) + 1.
    public let t: BigInt

    public init(sigma2: Rational) throws(NoiseError) {
        guard sigma2.signum > 0 else { throw .nonPositiveSigma2(sigma2.description) }
        self.sigma2 = sigma2
        p = sigma2.numerator
        q = sigma2.denominator
        t = p.floorDiv(q).squareRootFloor() + BigInt(1)
    }

    /// One sample; advances `s`.
    public func sample(_ s: inout ChaChaStream) -> BigInt {
        let y = BigInt(2) * p * q * t * t
        while true {
            let candidate = ReferenceDraws.discreteLaplace(t: t, &s)
            let d = candidate.magnitude * q * t - p
            if ReferenceDraws.bernoulliExp(d * d, y, &s) { return candidate }
        }
    }
}
