/// The value type of a noisy input's coordinates, as the vote counter sees it: `Int32` grid values for the
/// int8 runtime, `Float` grid values (real-valued, grid units) for the float32 baseline (IntRSFloatBaseline).
///
/// The one thing the vote counter needs from it is how a clean input is added to a row of noise.
/// The requirement works on a whole row, so that generic (unspecialised) vote counting costs one dynamic
/// call per noisy input, not one per coordinate.
public protocol GridScalar: Sendable {
    /// row[t] = row[t] + input[t] for t < row.count (`row` holds the noise on entry, the noisy input on
    /// exit). `input.count >= row.count`.
    static func addInput(_ input: UnsafeBufferPointer<Self>, to row: UnsafeMutableBufferPointer<Self>)
}

extension Int32: GridScalar {
    /// Wrapping int32 addition (`&+`): a noisy grid value outside the model's input range is clipped by
    /// the classifier's input stage, and no sampler draws noise near 2^31.
    @inlinable
    public static func addInput(_ input: UnsafeBufferPointer<Int32>, to row: UnsafeMutableBufferPointer<Int32>) {
        for t in 0..<row.count { row[t] &+= input[t] }
    }
}

extension Float: GridScalar {
    /// IEEE float32 addition, noise + input (round to nearest even).
    @inlinable
    public static func addInput(_ input: UnsafeBufferPointer<Float>, to row: UnsafeMutableBufferPointer<Float>) {
        for t in 0..<row.count { row[t] += input[t] }
    }
}
