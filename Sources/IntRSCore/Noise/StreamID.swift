/// The identity of one noise stream: the ChaCha20 nonce.
///
/// Nonce words (RFC 8439 §2.3 state words 13, 14, 15) are, in this order: `example`, `phase`,
/// `index`; as nonce bytes each is written little-endian, so the 12-byte nonce is
/// LE32(example) || LE32(phase) || LE32(index).
///
/// Every (example, phase, sample index) owns its own stream, so results do not depend on thread
/// count or dataset sharding. One noisy input (all d coordinates of one sample) consumes one
/// stream: coordinate 0 first, then 1, ..., d-1, each drawn by the sampler from where the previous
/// one stopped (Vectors/stream-spec.md §6).
public struct StreamID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Index of the example (input) in the dataset.
    public var example: UInt32
    /// The phase: see ``Phase``.
    public var phase: UInt32
    /// The index of the noisy sample within (example, phase).
    public var index: UInt32

    public init(example: UInt32, phase: UInt32, index: UInt32) {
        self.example = example
        self.phase = phase
        self.index = index
    }

    /// Registered phases (more may be added; never renumber).
    public enum Phase {
        /// CERTIFY selection samples (N0).
        public static let certifySelection: UInt32 = 0
        /// CERTIFY estimation samples (N).
        public static let certifyEstimation: UInt32 = 1
        /// PREDICT samples.
        public static let predict: UInt32 = 2
    }

    /// The nonce as three words (state words 13–15).
    public var nonceWords: SIMD3<UInt32> { SIMD3(example, phase, index) }

    public var description: String { "(example \(example), phase \(phase), index \(index))" }
}
