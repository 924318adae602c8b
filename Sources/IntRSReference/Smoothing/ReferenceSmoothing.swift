import IntRSCore
import IntRSExact

/// The executable specification of the smoothing engine's vote counting (`VoteCounter` in IntRSRuntime):
/// one noisy input at a time, in sample-index order, with the reference samplers and the reference int8
/// evaluator. Slow and obviously correct.
///
/// Noisy input `i` of phase `phase` for example `example`: open the ChaCha20 stream (seed, nonce
/// (example, phase, i)), draw d noise values from it in coordinate order (coordinate 0 first), add them to
/// the clean grid input, classify with `Int8ReferenceEvaluator` (ArgMax, lowest index on ties).
public enum ReferenceSmoothing {
    /// A reference noise sampler: one value (grid units) per call, consuming the stream.
    public typealias Sampler = (inout ChaChaStream) -> Int

    /// Vote counts per class for sample indices 0 ..< samples.
    public static func counts(network: Int8Network, input: [Int], seed: Seed, example: UInt32, phase: UInt32,
                              samples: Int, sampler: Sampler) throws -> [Int] {
        var counts = [Int](repeating: 0, count: network.classCount)
        for i in 0..<samples {
            var s = ChaChaStream(seed: seed, id: StreamID(example: example, phase: phase, index: UInt32(i)))
            var noisy = input
            for t in 0..<noisy.count { noisy[t] += sampler(&s) }
            counts[try Int8ReferenceEvaluator.evaluate(network, grid: noisy).classIndex] += 1
        }
        return counts
    }

    /// The reference sampler for a noise configuration: the CKS sampler on big rationals ("exact",
    /// discrete-gaussian) or the CDT table sampler on big integers ("table", either family).
    public static func sampler(noise: NoiseFamily, sigma2: Rational, sampler: String, tableBits: Int?) throws -> Sampler {
        switch sampler {
        case "exact":
            guard noise == .discreteGaussian else { throw SmoothingReferenceError.invalid("the exact sampler is for discrete-gaussian noise only") }
            let s = try ReferenceDiscreteGaussianSampler(sigma2: sigma2)
            return { stream in s.sample(&stream).asInt! }
        case "table":
            guard let b = tableBits else { throw SmoothingReferenceError.invalid("a table sampler needs tableBits") }
            let s = ReferenceTableSampler(law: try TableLaw(family: noise, sigma2: sigma2, bits: b))
            return { stream in s.sample(&stream) }
        default:
            throw SmoothingReferenceError.invalid("sampler \"\(sampler)\": expected exact or table")
        }
    }
}
