/// A base classifier that the smoothing engine queries in batches.
///
/// Inputs are grid values of type `Scalar`: `Int32` for the int8 runtime (one grid step = one level of the
/// quantized input, e.g. one pixel level), `Float` for the float32 baseline (real-valued grid units),
/// batch-major: input `b` occupies `grid[b * inputCount ..< (b + 1) * inputCount]`. Noisy inputs may lie
/// outside the model's input range; how they are brought into range (clipping) is part of the base classifier.
///
/// Contract: `classify` is a pure function of the inputs (a deterministic classifier) and may be called
/// concurrently from several threads. The smoothing engine's results do not depend on the batch size, so an
/// implementation must classify each input independently of the others in the batch.
public protocol BatchClassifier<Scalar>: Sendable {
    /// The type of one grid value.
    associatedtype Scalar: GridScalar
    /// d: the number of grid values per input.
    var inputCount: Int { get }
    /// The number of classes; `classify` writes values in `0 ..< classCount`.
    var classCount: Int { get }
    /// Writes the class of each of the `batch` inputs into `classes[0 ..< batch]`.
    func classify(grid: UnsafeBufferPointer<Scalar>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>)
}

/// A `BatchClassifier` made from a closure that classifies one input. Handy for stand-ins and tests.
public struct ClosureClassifier: BatchClassifier {
    public let inputCount: Int
    public let classCount: Int
    public let classifyOne: @Sendable (UnsafeBufferPointer<Int32>) -> Int32

    public init(inputCount: Int, classCount: Int, classifyOne: @escaping @Sendable (UnsafeBufferPointer<Int32>) -> Int32) {
        self.inputCount = inputCount
        self.classCount = classCount
        self.classifyOne = classifyOne
    }

    public func classify(grid: UnsafeBufferPointer<Int32>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>) {
        for b in 0..<batch {
            let row = UnsafeBufferPointer(rebasing: grid[(b * inputCount) ..< ((b + 1) * inputCount)])
            classes[b] = classifyOne(row)
        }
    }
}
