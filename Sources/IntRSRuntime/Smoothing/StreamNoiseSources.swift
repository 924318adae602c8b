import IntRSCore

/// A fast integer noise sampler that draws one value (grid units) from a ChaCha20 stream.
/// Implemented by `FastDiscreteGaussianSampler` (exact CKS) and the table samplers.
public protocol IntegerNoiseSampler: Sendable {
    func sample(_ s: inout ChaChaStream) -> Int32
}

extension FastDiscreteGaussianSampler: IntegerNoiseSampler {}

/// Integer noise for the smoothing engine: the noisy input (example, phase, index) is drawn from the
/// ChaCha20 stream keyed by `seed` with nonce StreamID(example, phase, index), one sample per coordinate in
/// coordinate order, all from that one stream (Vectors/stream-spec.md).
/// Equals, coordinate by coordinate, the reference sampler on the same stream (the noise suites' vectors).
public struct StreamNoiseSource<Sampler: IntegerNoiseSampler>: GridNoiseSource {
    public let seed: Seed
    public let sampler: Sampler
    public init(seed: Seed, sampler: Sampler) { self.seed = seed; self.sampler = sampler }

    @inlinable
    public func fill(example: UInt32, phase: UInt32, index: UInt32, into out: UnsafeMutableBufferPointer<Int32>) {
        var s = ChaChaStream(seed: seed, id: StreamID(example: example, phase: phase, index: index))
        for i in 0..<out.count { out[i] = sampler.sample(&s) }
    }
}

extension FastTableSampler: IntegerNoiseSampler {}
