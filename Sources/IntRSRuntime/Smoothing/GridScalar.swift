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
    /// Saturating int32 addition: row[t] + input[t] clamped to [Int32.min, Int32.max]. The reference
    /// (ReferenceSmoothing) adds in Int, and the int8 input stage maps a grid value g to
    /// clamp(Z + m g, -128, 127) with m = gridMultiplier >= 1; a sum beyond int32 saturates with its sign kept,
    /// and then |m g| >= 2^31 - 1 > 255, so the byte is 127 (or -128) for the sum and for its saturation alike.
    /// Trap avoided: wrapping addition (`&+`) turned Int32.max + 1 into Int32.min, i.e. 127 into -128: clean
    /// grid values may lie anywhere in int32 (GridDataset checks only that), and noise anywhere below 2^31 in
    /// magnitude (GridBoundNoiseTests).
    @inlinable
    public static func addInput(_ input: UnsafeBufferPointer<Int32>, to row: UnsafeMutableBufferPointer<Int32>) {
        // Branch-free on 32-bit lanes, so the loop vectorises (the Int64 clamp compiled to a scalar loop with
        // two branches per coordinate): s = a + b wrapped; it overflowed iff a and b share a sign that s lacks;
        // then the result is Int32.max for b >= 0 and Int32.min for b < 0, i.e. (b >> 31) ^ Int32.max.
        for t in 0..<row.count {
            let a = row[t], b = input[t], s = a &+ b
            let overflow = ((a ^ s) & (b ^ s)) >> 31  // all ones where the sum left int32, else 0
            row[t] = (s & ~overflow) | (((b >> 31) ^ Int32.max) & overflow)
        }
    }
}

extension Float: GridScalar {
    /// IEEE float32 addition, noise + input (round to nearest even).
    @inlinable
    public static func addInput(_ input: UnsafeBufferPointer<Float>, to row: UnsafeMutableBufferPointer<Float>) {
        for t in 0..<row.count { row[t] += input[t] }
    }
}
