import IntRSCore

/// A fast integer noise sampler that draws one value (grid units) from a ChaCha20 stream.
/// Implemented by `FastDiscreteGaussianSampler` (exact CKS) and the table samplers.
public protocol IntegerNoiseSampler: Sendable {
    func sample(_ s: inout ChaChaStream) -> Int32

    /// The noise of `count` streams (example, phase, firstIndex + j), j < count: stream j's `out.count / count`
    /// samples at `out[j * d ..< (j + 1) * d]`, each drawn by ``sample(_:)`` from its stream in coordinate order.
    /// `key` is `seed.keyWords`; `path` chooses the ChaCha20 kernel a sampler may use (`FastChaCha20`). The default
    /// implementation runs ``sample(_:)`` on a `ChaChaStream` per stream.
    func fillStreams(seed: Seed, key: SIMD8<UInt32>, example: UInt32, phase: UInt32, firstIndex: UInt32, count: Int,
                     path: Int8KernelPath, into out: UnsafeMutableBufferPointer<Int32>)
}

extension IntegerNoiseSampler {
    public func fillStreams(seed: Seed, key: SIMD8<UInt32>, example: UInt32, phase: UInt32, firstIndex: UInt32, count: Int,
                            path: Int8KernelPath, into out: UnsafeMutableBufferPointer<Int32>) {
        let d = out.count / count
        for j in 0..<count {
            var s = ChaChaStream(seed: seed, id: StreamID(example: example, phase: phase, index: firstIndex &+ UInt32(truncatingIfNeeded: j)))
            for i in 0..<d { out[j * d + i] = sample(&s) }
        }
    }
}

extension FastDiscreteGaussianSampler: IntegerNoiseSampler {}

/// Integer noise for the smoothing engine: the noisy input (example, phase, index) is drawn from the
/// ChaCha20 stream keyed by `seed` with nonce StreamID(example, phase, index), one sample per coordinate in
/// coordinate order, all from that one stream (Vectors/stream-spec.md).
/// Equals, coordinate by coordinate, the reference sampler on the same stream (the noise suites' vectors).
/// The batch form hands whole chunks to the sampler (``IntegerNoiseSampler/fillStreams``), which the table
/// sampler draws from ChaCha20 words computed 8 or 16 streams at a time on `path`.
public struct StreamNoiseSource<Sampler: IntegerNoiseSampler>: GridNoiseSource {
    public let seed: Seed
    public let sampler: Sampler
    /// The ChaCha20 kernel path of the batch form (default `Int8KernelPath.selected`).
    public let path: Int8KernelPath
    @usableFromInline let key: SIMD8<UInt32>
    public init(seed: Seed, sampler: Sampler, path: Int8KernelPath = .selected) {
        self.seed = seed; self.sampler = sampler; self.path = path; key = seed.keyWords
    }

    @inlinable
    public func fill(example: UInt32, phase: UInt32, index: UInt32, into out: UnsafeMutableBufferPointer<Int32>) {
        var s = ChaChaStream(seed: seed, id: StreamID(example: example, phase: phase, index: index))
        for i in 0..<out.count { out[i] = sampler.sample(&s) }
    }

    public func fill(example: UInt32, phase: UInt32, firstIndex: UInt32, count: Int, into out: UnsafeMutableBufferPointer<Int32>) {
        precondition(count >= 1 && out.count % count == 0, "fill: out.count must be a multiple of count >= 1")
        sampler.fillStreams(seed: seed, key: key, example: example, phase: phase, firstIndex: firstIndex, count: count,
                            path: path, into: out)
    }
}

extension FastTableSampler: IntegerNoiseSampler {}
