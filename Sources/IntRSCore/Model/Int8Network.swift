/// A validated model in evaluable form: decoded tensors, resolved shapes, paddings, zero points and
/// static value ranges. Built only by `Int8Model.validated(file:)`, which guarantees (see
/// Vectors/model-format.md, "Static overflow check") that no int32 accumulator of any layer can overflow
/// and that every rescale input satisfies the TOSA RESCALE precondition, FOR EVERY INPUT. Both the
/// reference and the fast evaluator consume it.
public struct Int8Network: Sendable {
    public var rounding: RescaleRounding
    public var input: Int8InputSpec
    /// Shapes of tensor 0 (input) ... tensor L (last layer's output).
    public var tensorShapes: [[Int]]
    /// Zero points of every tensor.
    public var tensorZeroPoints: [Int32]
    /// A static range every value of the tensor lies in, for every input.
    public var tensorRanges: [ClosedRange<Int32>]
    /// Real scales of every tensor when the model states them (nil otherwise).
    public var tensorScales: [Double?]
    public var layers: [Int8NetworkLayer]

    /// Elements of the input tensor.
    public var inputCount: Int { tensorShapes[0].reduce(1, *) }
    /// Elements of the output (the number of classes).
    public var classCount: Int { tensorShapes[tensorShapes.count - 1].reduce(1, *) }
}

public enum Int8Padding: String, Sendable { case same, valid }

/// One layer, resolved.
public struct Int8NetworkLayer: Sendable {
    public enum Kind: Sendable {
        case conv(Int8ConvPlan)
        case fullyConnected(Int8FullyConnectedPlan)
        case add(Int8AddPlan)
        case averagePool(Int8PoolPlan)
        case maxPool(Int8PoolPlan)
        /// reshape and flatten: the row-major element order is unchanged.
        case reshape
        /// pad: constant padding with the zero point.
        case pad(Int8PadPlan)
        /// mean over H and W (TFLite MEAN, int8 reference kernel).
        case mean(Int8MeanPlan)
        /// mul (TFLite MUL, int8), elementwise with broadcasting.
        case mul(Int8MulPlan)
        /// concatenation (TFLite CONCATENATION, int8: equal quantization, a copy).
        case concatenation(Int8ConcatenationPlan)
    }
    public var op: String
    public var kind: Kind
    /// Tensor numbers read.
    public var inputs: [Int]
    /// The output is tensor `index + 1`.
    public var index: Int
    public var outputShape: [Int]
    public var outputZeroPoint: Int32
    public var activationMin: Int32
    public var activationMax: Int32
    /// "none", "relu" or "relu6" (used by the float baseline).
    public var fusedActivation: String
}

/// Conv2D (OHWI filter) or DepthwiseConv2D ([1, KH, KW, C*m] filter), NHWC activations, N = 1.
public struct Int8ConvPlan: Sendable {
    public var depthwise: Bool
    public var inH: Int, inW: Int, inC: Int
    public var outH: Int, outW: Int, outC: Int
    public var kernelH: Int, kernelW: Int
    public var strideH: Int, strideW: Int
    public var dilationH: Int, dilationW: Int
    /// Padding rows above / columns left (TFLite: floor(total / 2); the odd one goes after).
    public var padTop: Int, padLeft: Int
    public var depthMultiplier: Int
    /// Filter in the file's layout.
    public var filter: [Int8]
    /// One per output channel (zeros if the file has none).
    public var bias: [Int32]
    public var multiplier: [Int32]
    public var shift: [Int32]
    public var floatFilter: [Float]?
    public var floatBias: [Float]?
    public var filterScales: [Double]?
}

/// FullyConnected: weights [O, I] applied to the input's I elements in row-major order.
public struct Int8FullyConnectedPlan: Sendable {
    public var inCount: Int
    public var outCount: Int
    public var filter: [Int8]
    public var bias: [Int32]
    public var multiplier: [Int32]
    public var shift: [Int32]
    public var floatFilter: [Float]?
    public var floatBias: [Float]?
    public var filterScales: [Double]?
}

/// Add (TFLite int8 semantics), elementwise over equal shapes or with broadcasting.
public struct Int8AddPlan: Sendable {
    /// Output elements.
    public var count: Int
    public var leftShift: Int32
    public var inputMultipliers: [Int32]
    public var inputShifts: [Int32]
    public var outputMultiplier: Int32
    public var outputShift: Int32
    /// nil when both inputs have the output's shape; otherwise which input elements each output element reads.
    public var broadcast: Int8BroadcastPlan? = nil
}

/// Pad (TFLite PAD on int8): the input placed at offset `before` in a tensor of `outShape` filled with the zero
/// point (input and output share it). `sourceIndex[o]` is the input element copied to output element o, or -1
/// for a padded element (row-major); the fast evaluator gathers with it, the reference uses coordinates.
public struct Int8PadPlan: Sendable {
    public var inShape: [Int]
    public var outShape: [Int]
    public var before: [Int]
    public var sourceIndex: [Int32]
}

/// AveragePool2D / MaxPool2D over HxW per channel.
public struct Int8PoolPlan: Sendable {
    public var inH: Int, inW: Int, channels: Int
    public var outH: Int, outW: Int
    public var poolH: Int, poolW: Int
    public var strideH: Int, strideW: Int
    public var padTop: Int, padLeft: Int
}

/// Output size and leading padding of one spatial dimension, TFLite semantics.
/// SAME: out = ceil(in / stride), total = max(0, (out - 1) * stride + effective - in), before = total / 2.
/// VALID: out = floor((in - effective) / stride) + 1 (requires in >= effective), no padding.
/// `effective` = (kernel - 1) * dilation + 1. Returns nil when the output would be empty.
public func int8OutputSize(input: Int, kernel: Int, stride: Int, dilation: Int, padding: Int8Padding) -> (out: Int, padBefore: Int)? {
    let eff = (kernel - 1) * dilation + 1
    switch padding {
    case .same:
        let out = (input + stride - 1) / stride
        let total = max(0, (out - 1) * stride + eff - input)
        return out >= 1 ? (out, total / 2) : nil
    case .valid:
        guard input >= eff else { return nil }
        return ((input - eff) / stride + 1, 0)
    }
}
