/// Type-erased classifier, so a command line can choose the parts at run time. One dynamic call per batch.
public struct AnyBatchClassifier: BatchClassifier {
    public let base: any BatchClassifier
    public init(_ base: any BatchClassifier) { self.base = base }
    public var inputCount: Int { base.inputCount }
    public var classCount: Int { base.classCount }
    public func classify(grid: UnsafeBufferPointer<Int32>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>) {
        base.classify(grid: grid, batch: batch, classes: classes)
    }
}

/// Type-erased noise source. One dynamic call per noisy input (d samples).
public struct AnyGridNoiseSource: GridNoiseSource {
    public let base: any GridNoiseSource
    public init(_ base: any GridNoiseSource) { self.base = base }
    public func fill(example: UInt32, phase: UInt32, index: UInt32, into out: UnsafeMutableBufferPointer<Int32>) {
        base.fill(example: example, phase: phase, index: index, into: out)
    }
}

/// Type-erased float classifier (float baseline).
public struct AnyFloatBatchClassifier: FloatBatchClassifier {
    public let base: any FloatBatchClassifier
    public init(_ base: any FloatBatchClassifier) { self.base = base }
    public var inputCount: Int { base.inputCount }
    public var classCount: Int { base.classCount }
    public func classify(input: UnsafeBufferPointer<Float>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>) {
        base.classify(input: input, batch: batch, classes: classes)
    }
}

/// Type-erased float noise source (float baseline).
public struct AnyFloatNoiseSource: FloatNoiseSource {
    public let base: any FloatNoiseSource
    public init(_ base: any FloatNoiseSource) { self.base = base }
    public func fill(example: UInt32, phase: UInt32, index: UInt32, into out: UnsafeMutableBufferPointer<Float>) {
        base.fill(example: example, phase: phase, index: index, into: out)
    }
}
