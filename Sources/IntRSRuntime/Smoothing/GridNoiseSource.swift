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

    /// Writes the noise of the `count` noisy inputs (example, phase, firstIndex + j), j < count, batch-major:
    /// input j at `out[j * d ..< (j + 1) * d]` with d = out.count / count. Equals `fill(example:phase:index:into:)`
    /// for each index (the default implementation is that loop); a source may draw the streams side by side.
    /// Requires count >= 1, out.count a multiple of count, and firstIndex + count - 1 <= UInt32.max.
    func fill(example: UInt32, phase: UInt32, firstIndex: UInt32, count: Int, into out: UnsafeMutableBufferPointer<Scalar>)
}

extension GridNoiseSource {
    /// One stream after the other (the definition the batch form must equal).
    public func fill(example: UInt32, phase: UInt32, firstIndex: UInt32, count: Int, into out: UnsafeMutableBufferPointer<Scalar>) {
        precondition(count >= 1 && out.count % count == 0, "fill: out.count must be a multiple of count >= 1")
        let d = out.count / count
        for j in 0..<count {
            fill(example: example, phase: phase, index: firstIndex &+ UInt32(truncatingIfNeeded: j),
                 into: UnsafeMutableBufferPointer(rebasing: out[(j * d) ..< ((j + 1) * d)]))
        }
    }
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
