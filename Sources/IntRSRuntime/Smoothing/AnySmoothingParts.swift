/// Type-erased classifier over grid values of type `Scalar`, so a command line can choose the parts at run
/// time. One dynamic call per batch. `AnyBatchClassifier` (int8 runtime, `Int32`) and
/// `AnyFloatBatchClassifier` (float32 baseline, `Float`) are its two instances.
public struct AnyGridBatchClassifier<Scalar: GridScalar>: BatchClassifier {
    public let base: any BatchClassifier<Scalar>
    public init(_ base: any BatchClassifier<Scalar>) { self.base = base }
    public var inputCount: Int { base.inputCount }
    public var classCount: Int { base.classCount }
    public func classify(grid: UnsafeBufferPointer<Scalar>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>) {
        base.classify(grid: grid, batch: batch, classes: classes)
    }
}

/// Type-erased noise source over grid values of type `Scalar`. One dynamic call per batch of noisy inputs (or per
/// noisy input with the one-index `fill`). `AnyGridNoiseSource` (`Int32`) and `AnyFloatNoiseSource` (`Float`)
/// are its two instances.
public struct AnyNoiseSource<Scalar: GridScalar>: GridNoiseSource {
    public let base: any GridNoiseSource<Scalar>
    public init(_ base: any GridNoiseSource<Scalar>) { self.base = base }
    public func fill(example: UInt32, phase: UInt32, index: UInt32, into out: UnsafeMutableBufferPointer<Scalar>) {
        base.fill(example: example, phase: phase, index: index, into: out)
    }
    public func fill(example: UInt32, phase: UInt32, firstIndex: UInt32, count: Int, into out: UnsafeMutableBufferPointer<Scalar>) {
        base.fill(example: example, phase: phase, firstIndex: firstIndex, count: count, into: out)
    }
}

/// The int8 runtime's type-erased classifier (integer grid values).
public typealias AnyBatchClassifier = AnyGridBatchClassifier<Int32>
/// The int8 runtime's type-erased noise source (integer grid values).
public typealias AnyGridNoiseSource = AnyNoiseSource<Int32>
