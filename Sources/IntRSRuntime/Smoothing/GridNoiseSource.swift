/// The noise of one noisy input, drawn from its own random stream.
///
/// The stream of sample `index` in `phase` for example `example` is the ChaCha20 stream with nonce
/// (example, phase, index) (see `StreamID` in IntRSCore). One noisy input consumes one whole stream:
/// its d noise values are drawn in coordinate order, coordinate 0 first. Phases: 0 = CERTIFY selection
/// (N0 samples), 1 = CERTIFY estimation (N samples), 2 = PREDICT.
///
/// Contract: `fill` is a pure function of (example, phase, index) and may be called concurrently.
public protocol GridNoiseSource<Scalar>: Sendable {
    /// The type of one grid value (`Int32` integer noise, `Float` for the float32 baseline's Gaussian noise).
    associatedtype Scalar: GridScalar
    /// Writes the noise (grid units) of the noisy input (example, phase, index) into `out`, coordinate 0 first.
    func fill(example: UInt32, phase: UInt32, index: UInt32, into out: UnsafeMutableBufferPointer<Scalar>)
}

/// The phases of the smoothing procedures: the second word of every stream id.
public enum SmoothingPhase: UInt32, Sendable, Codable, CaseIterable {
    /// CERTIFY's N0 selection samples.
    case selection = 0
    /// CERTIFY's N estimation samples.
    case estimation = 1
    /// PREDICT's N samples.
    case prediction = 2
}
