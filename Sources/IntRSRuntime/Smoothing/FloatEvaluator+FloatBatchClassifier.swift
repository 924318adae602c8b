/// The float32 evaluator as the float baseline's base classifier (inputs are real-valued grid values).
/// Built with `threads: 1`; the float vote counter runs the workers.
public struct FloatEvaluatorClassifier: FloatBatchClassifier {
    public let evaluator: FloatEvaluator
    public init(evaluator: FloatEvaluator) { self.evaluator = evaluator }
    public var inputCount: Int { evaluator.inputCount }
    public var classCount: Int { evaluator.classCount }
    public func classify(input: UnsafeBufferPointer<Float>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>) {
        evaluator.classify(grid: input, batch: batch, classes: classes)
    }
}
