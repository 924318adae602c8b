import Foundation

/// Why a `.tflite` file cannot be imported: a malformed FlatBuffer (the field path and problem), or a graph
/// element IntRS does not support (the operator's index and builtin name, and the reason). Nothing is written
/// when an import fails.
public struct TFLiteImportError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// The operator index in subgraph 0 (nil for file-level problems).
    public var operatorIndex: Int?
    /// The operator's builtin name, e.g. "MUL".
    public var operatorName: String?
    public var reason: String

    public var description: String {
        if let i = operatorIndex { return "\(file): operator \(i) (\(operatorName ?? "?")): \(reason)" }
        return "\(file): \(reason)"
    }
}

/// The result of an import: the model and, per layer, what the LiteRT reference kernel of the source
/// operator does differently from IntRS's integer-only semantics (nil: bit-exact under double rounding).
public struct TFLiteImport: Sendable {
    public var model: Int8Model
    /// Per layer of `model`: the TFLite operator index it came from.
    public var sourceOperators: [Int]
    /// Per layer of `model`: the TFLite builtin name it came from.
    public var sourceOperatorNames: [String]
    /// Per layer: where the LiteRT reference kernel deviates from the layer's integer-only semantics.
    public var deviations: [String?]
    /// How the input and output were mapped (for people).
    public var notes: [String]
}

/// Imports a TFLite int8 graph (subgraph 0 of a schema-3 FlatBuffer) as an `intrs-int8-model`.
///
/// Mapping (see Vectors/model-format.md, "Importing TFLite"):
/// - CONV_2D, DEPTHWISE_CONV_2D (depth multiplier = output channels / input channels; the option is ignored
///   as TFLite >= 2 does), FULLY_CONNECTED (weights_format DEFAULT), ADD (equal shapes), AVERAGE_POOL_2D,
///   MAX_POOL_2D, RESHAPE, PAD (constant zero-point padding, int32 or int64 paddings), int8 -> int8 QUANTIZE
///   (as a 1x1 depthwise convolution with weight 1); fused activations NONE, RELU, RELU6, RELU_N1_TO_1 become clamps exactly as TFLite's
///   CalculateActivationRangeQuantized computes them (Z + round(f / S) in float32, ties away from zero).
/// - Every multiplier is `TFLiteQuantizeMultiplier.quantize` of the double the TFLite kernel computes:
///   conv/depthwise/FC: double(S_in) * double(S_w[c]) / double(S_out); ADD: left shift 20,
///   2 * max(S_a, S_b) in double, S_k / that, and that / (2^20 * S_out).
/// - The input: an int8 tensor, or a float32 tensor whose only consumer is a QUANTIZE to int8. Either way
///   the model's input is that int8 tensor with gridMultiplier 1: grid value g enters as
///   q = clamp(Z + g, -128, 127), i.e. a float input x corresponds to g = x / S (S, Z of the int8 tensor;
///   LiteRT's QUANTIZE computes Z + round(x / S)), so one grid step is S real units (`gridScale` = S).
/// - The output: the int8 tensor produced by the last operator, or a float32 tensor produced from it by a
///   trailing DEQUANTIZE (monotone, so the ArgMax is taken before it and is unchanged).
/// Refused, with the operator index, name and reason: any other operator, a fused TANH/SIGN_BIT, uint8
/// or other non-int8 activations, a batch size above 1, several inputs or outputs or subgraphs, custom or
/// sparse tensors, weight zero points other than 0, weights equal to -128, multipliers IntRS cannot represent.
/// The result is checked with `Int8Model.validated`. Deterministic: the same bytes give the same model.
public enum TFLiteImporter {
    /// True when `bytes` carry the TFLite file identifier "TFL3" at bytes 4..<8.
    public static func isTFLite<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard bytes.count >= 8 else { return false }
        return Array(bytes.dropFirst(4).prefix(4)) == Array("TFL3".utf8)
    }

    /// Imports `bytes` (the contents of `file`, named in errors).
    public static func importModel(_ bytes: [UInt8], file: String) throws(TFLiteImportError) -> TFLiteImport {
        var b = TFLiteImportBuilder(file: file)
        return try b.run(bytes)
    }
}

/// Per-tensor int8 quantization of an activation tensor (real = scale * (q - zeroPoint)).
struct TFLiteQuant { var scale: Float; var zeroPoint: Int }

/// One import: the state while subgraph 0's operators are mapped in order (the common operators here; MEAN,
/// MUL, CONCATENATION and broadcasting ADD in TFLiteImporter+Ops.swift).
struct TFLiteImportBuilder {
    let file: String
    var tf: TFLiteFile! = nil
    var sg: TFLiteSubgraph! = nil
    /// TFLite tensor index -> IntRS tensor number.
    var mapped: [Int: Int] = [:]
    var quants: [TFLiteQuant] = []
    var layers: [Int8Layer] = []
    var sourceOps: [Int] = []
    var sourceNames: [String] = []
    var deviations: [String?] = []
    var notes: [String] = []
    var opIndex: Int? = nil
    var opName: String? = nil

    init(file: String) { self.file = file }

    func fail(_ reason: String) -> TFLiteImportError {
        TFLiteImportError(file: file, operatorIndex: opIndex, operatorName: opName, reason: reason)
    }

    func flat<T>(_ body: () throws(FlatBufferError) -> T) throws(TFLiteImportError) -> T {
        do { return try body() } catch { throw TFLiteImportError(file: file, operatorIndex: opIndex, operatorName: opName, reason: "malformed .tflite: \(error)") }
    }

    func opt<T: FlatBufferScalar>(_ o: FlatBufferTable, _ id: Int, _ name: String, _ d: T) throws(TFLiteImportError) -> T {
        try flat { () throws(FlatBufferError) in try o.scalar(id, name, default: d) }
    }

    func tensor(_ i: Int32, _ role: String) throws(TFLiteImportError) -> TFLiteTensor {
        guard i >= 0, Int(i) < sg.tensors.count else { throw fail("\(role) tensor index \(i) outside the subgraph's \(sg.tensors.count) tensors") }
        return sg.tensors[Int(i)]
    }

    func describeTensor(_ i: Int32) -> String {
        guard i >= 0, Int(i) < sg.tensors.count else { return "tensor \(i) (outside the subgraph's \(sg.tensors.count) tensors)" }
        let t = sg.tensors[Int(i)]
        return "tensor \(i)\(t.name.isEmpty ? "" : " \"\(t.name)\"")"
    }

    /// Shape without the batch dimension (which must be 1).
    func activationShape(_ i: Int32, _ role: String) throws(TFLiteImportError) -> [Int] {
        let t = try tensor(i, role)
        guard t.shape.count >= 2 else { throw fail("\(role) \(describeTensor(i)) has shape \(t.shape); expected [1, ...] (a batch dimension, then the data)") }
        guard t.shape[0] == 1 else { throw fail("\(role) \(describeTensor(i)) has batch size \(t.shape[0]); only batch size 1 is supported") }
        let s = t.shape.dropFirst().map { Int($0) }
        guard s.allSatisfy({ $0 >= 1 }) else { throw fail("\(role) \(describeTensor(i)) has shape \(t.shape); every dimension must be >= 1") }
        var n = 1
        for d in s {
            n *= d
            guard n <= Int8Model.maxElements else { throw fail("\(role) \(describeTensor(i)) has shape \(t.shape): more than 2^24 elements") }
        }
        return s
    }

    /// Per-tensor int8 quantization of an activation tensor.
    func activationQuant(_ i: Int32, _ role: String) throws(TFLiteImportError) -> TFLiteQuant {
        let t = try tensor(i, role)
        guard t.type == TFLiteSchema.int8 else {
            throw fail("\(role) \(describeTensor(i)) is \(TFLiteSchema.tensorTypeName(t.type)); only int8 activations are supported")
        }
        guard !t.isSparse else { throw fail("\(role) \(describeTensor(i)) is sparse; not supported") }
        guard let q = t.quantization, !q.hasDetails, q.scale.count == 1, q.zeroPoint.count == 1 else {
            throw fail("\(role) \(describeTensor(i)) lacks per-tensor quantization (one scale and one zero point)")
        }
        guard q.scale[0].isFinite, q.scale[0] > 0 else { throw fail("\(role) \(describeTensor(i)) has scale \(q.scale[0]); must be positive and finite") }
        guard (-128...127).contains(q.zeroPoint[0]) else { throw fail("\(role) \(describeTensor(i)) has zero point \(q.zeroPoint[0]) outside [-128, 127]") }
        return TFLiteQuant(scale: q.scale[0], zeroPoint: Int(q.zeroPoint[0]))
    }

    /// The IntRS tensor number of an activation input (it must have been produced already).
    func input(_ i: Int32) throws(TFLiteImportError) -> Int {
        guard let m = mapped[Int(i)] else {
            let t = try tensor(i, "input")
            if t.buffer != 0 { throw fail("input \(describeTensor(i)) is a constant; constant activation inputs are not supported") }
            throw fail("input \(describeTensor(i)) is not produced by an earlier supported operator or the model input")
        }
        return m
    }

    /// The data of a constant tensor, checked against its shape and element width.
    func constant(_ i: Int32, _ role: String, type: Int8, width: Int) throws(TFLiteImportError) -> (shape: [Int], bytes: [UInt8], t: TFLiteTensor) {
        let t = try tensor(i, role)
        guard t.type == type else {
            throw fail("\(role) \(describeTensor(i)) is \(TFLiteSchema.tensorTypeName(t.type)); expected \(TFLiteSchema.tensorTypeName(type))")
        }
        guard !t.isSparse else { throw fail("\(role) \(describeTensor(i)) is sparse; not supported") }
        let shape = t.shape.map { Int($0) }
        guard shape.allSatisfy({ $0 >= 1 }) else { throw fail("\(role) \(describeTensor(i)) has shape \(t.shape)") }
        var n = 1
        for d in shape { n *= d; guard n <= Int8Model.maxElements else { throw fail("\(role) \(describeTensor(i)) has more than 2^24 elements") } }
        let data = try flat { () throws(FlatBufferError) in try tf.bufferData(t.buffer, path: "subgraphs[0].tensors[\(i)].buffer") }
        guard data.count == n * width else {
            throw fail("\(role) \(describeTensor(i)) has \(data.count) data bytes; its shape \(t.shape) needs \(n * width) (is it a constant?)")
        }
        return (shape, Array(data), t)
    }

    /// Weight scales: one per output channel (expanded from per-tensor), zero points all 0.
    func weightScales(_ t: TFLiteTensor, _ i: Int32, channels: Int, dimension: Int) throws(TFLiteImportError) -> [Float] {
        guard let q = t.quantization, !q.hasDetails, !q.scale.isEmpty else { throw fail("weights \(describeTensor(i)) are not quantized") }
        guard q.scale.count == 1 || q.scale.count == channels else {
            throw fail("weights \(describeTensor(i)) have \(q.scale.count) scales; expected 1 or \(channels)")
        }
        if q.scale.count > 1, Int(q.quantizedDimension) != dimension {
            throw fail("weights \(describeTensor(i)) are quantized along dimension \(q.quantizedDimension); expected \(dimension)")
        }
        guard q.zeroPoint.allSatisfy({ $0 == 0 }) else {
            throw fail("weights \(describeTensor(i)) have a nonzero zero point; TFLite int8 weights are symmetric (zero point 0)")
        }
        for s in q.scale { guard s.isFinite, s > 0 else { throw fail("weights \(describeTensor(i)) have scale \(s); must be positive and finite") } }
        return q.scale.count == 1 ? [Float](repeating: q.scale[0], count: channels) : q.scale
    }

    /// The optional int32 bias (input 2, shape [O]) of a conv, depthwise or fully connected operator, and one
    /// (M0, shift) per output channel: QuantizeMultiplier(double(S_in) * double(S_w[c]) / double(S_out)), as
    /// TFLite's PopulateConvolutionQuantizationParams computes it; `filterScales` are the S_w[c].
    func biasAndRescale(_ op: TFLiteOperator, into L: inout Int8Layer, input xQ: TFLiteQuant, weightScales scales: [Float],
                        output outQ: TFLiteQuant, channelName: String) throws(TFLiteImportError) {
        let oc = scales.count
        if op.inputs.count == 3, op.inputs[2] >= 0 {
            let b = try constant(op.inputs[2], "bias", type: TFLiteSchema.int32, width: 4)
            guard b.shape == [oc] else { throw fail("bias has shape \(b.shape); expected [\(oc)]") }
            L.bias = Int8Tensor(dtype: .int32, shape: [oc], bytes: b.bytes)
        }
        var ms: [Int] = [], ss: [Int] = []
        for ch in 0..<oc {
            let (m, s) = try multiplier(Double(xQ.scale) * Double(scales[ch]) / Double(outQ.scale), "\(channelName) \(ch)")
            ms.append(m); ss.append(s)
        }
        L.multiplier = ms; L.shift = ss
        L.filterScales = scales.map { Double($0) }
    }

    func multiplier(_ real: Double, _ what: String) throws(TFLiteImportError) -> (Int, Int) {
        guard let (m, s) = TFLiteQuantizeMultiplier.quantize(real) else { throw fail("\(what): real multiplier \(real) is not positive and finite") }
        guard m != 0 else { throw fail("\(what): real multiplier \(real) is below 2^-32, which TFLite flushes to 0; IntRS requires M0 in [2^30, 2^31)") }
        guard Int8Model.shiftRange.contains(s) else { throw fail("\(what): real multiplier \(real) gives shift \(s), outside IntRS's [-31, 29]") }
        return (Int(m), s)
    }

    /// TFLite's CalculateActivationRangeQuantized for int8: quantize(f) = Z + round(f / S) (float32 division,
    /// ties away from zero).
    func activation(_ code: Int8, _ q: TFLiteQuant, into L: inout Int8Layer) throws(TFLiteImportError) {
        func quantize(_ f: Float) -> Int { q.zeroPoint + Int((f / q.scale).rounded(.toNearestOrAwayFromZero)) }
        switch code {
        case 0: return
        case 1:
            L.fusedActivation = "relu"; L.activationMin = max(-128, q.zeroPoint); L.activationMax = 127
        case 3:
            L.fusedActivation = "relu6"; L.activationMin = max(-128, q.zeroPoint); L.activationMax = min(127, quantize(6))
            guard L.activationMin! <= L.activationMax! else { throw fail("fused RELU6 gives an empty clamp [\(L.activationMin!), \(L.activationMax!)]") }
        case 2:
            L.fusedActivation = "relu_n1_to_1"; L.activationMin = max(-128, quantize(-1)); L.activationMax = min(127, quantize(1))
            guard L.activationMin! <= L.activationMax! else { throw fail("fused RELU_N1_TO_1 gives an empty clamp [\(L.activationMin!), \(L.activationMax!)]") }
        default: throw fail("fused activation \(code) (TANH, SIGN_BIT or unknown) is not supported")
        }
    }

    func options(_ op: TFLiteOperator, _ tag: UInt8, _ name: String) throws(TFLiteImportError) -> FlatBufferTable? {
        if op.optionsType == 0 { return nil }
        guard op.optionsType == tag else { throw fail("builtin_options has union type \(op.optionsType); expected \(tag) (\(name))") }
        return op.options
    }

    /// One scalar of an operator's options table (the default when the options or the field are absent).
    func op0<T: FlatBufferScalar>(_ op: TFLiteOperator, _ tag: UInt8, _ name: String, id: Int, _ field: String, _ d: T) throws(TFLiteImportError) -> T {
        guard let o = try options(op, tag, name) else { return d }
        return try opt(o, id, field, d)
    }

    func padding(_ p: UInt8) throws(TFLiteImportError) -> String {
        switch p { case 0: return "same"; case 1: return "valid"; default: throw fail("padding \(p) is neither SAME (0) nor VALID (1)") }
    }

    func positive(_ x: Int32, _ what: String) throws(TFLiteImportError) -> Int {
        guard x >= 1, x <= 4096 else { throw fail("\(what) = \(x); must be in [1, 4096]") }
        return Int(x)
    }

    mutating func add(_ L: Int8Layer, output: Int32, q: TFLiteQuant, op: Int, name: String, deviation: String? = nil) {
        var L = L
        let t = sg.tensors[Int(output)]
        if !t.name.isEmpty { L.name = t.name }
        L.outputScale = Double(q.scale)
        layers.append(L)
        quants.append(q)
        mapped[Int(output)] = layers.count
        sourceOps.append(op); sourceNames.append(name); deviations.append(deviation)
    }

    mutating func run(_ bytes: [UInt8]) throws(TFLiteImportError) -> TFLiteImport {
        guard TFLiteImporter.isTFLite(bytes) else {
            throw fail("not a TFLite model: file identifier (bytes 4..<8) is not \"TFL3\"")
        }
        tf = try flat { () throws(FlatBufferError) in try TFLiteFile(bytes: bytes) }
        guard tf.subgraphCount == 1 else { throw fail("the model has \(tf.subgraphCount) subgraphs; exactly 1 is supported") }
        sg = tf.subgraphs[0]
        guard sg.inputs.count == 1 else { throw fail("the model has \(sg.inputs.count) inputs; exactly 1 is supported") }
        guard sg.outputs.count == 1 else { throw fail("the model has \(sg.outputs.count) outputs; exactly 1 is supported") }
        let ops = sg.operators
        guard !ops.isEmpty else { throw fail("the model has no operators") }

        func code(_ k: Int) throws(TFLiteImportError) -> Int32 {
            let ix = Int(ops[k].opcodeIndex)
            guard ix < tf.operatorCodes.count else {
                throw TFLiteImportError(file: file, operatorIndex: k, operatorName: "?", reason: "opcode_index \(ix) outside the model's \(tf.operatorCodes.count) operator codes")
            }
            return tf.operatorCodes[ix].builtinCode
        }

        // Input stage.
        let inIndex = sg.inputs[0]
        let inT = try tensor(inIndex, "model input")
        var inputTensor = inIndex
        var skip = Set<Int>()
        if inT.type == TFLiteSchema.float32 {
            let consumers = ops.indices.filter { ops[$0].inputs.contains(inIndex) }
            guard consumers.count == 1, try code(consumers[0]) == TFLiteSchema.QUANTIZE, ops[consumers[0]].outputs.count == 1 else {
                throw fail("the float32 model input \(describeTensor(inIndex)) must be read by exactly one QUANTIZE operator (to int8)")
            }
            opIndex = consumers[0]; opName = "QUANTIZE"
            inputTensor = ops[consumers[0]].outputs[0]
            skip.insert(consumers[0])
            notes.append("input: float32 \(describeTensor(inIndex)) quantized by operator \(consumers[0]) (QUANTIZE) to int8 \(describeTensor(inputTensor)); a float input x is the grid value g = x / S")
        }
        let inShape = try activationShape(inputTensor, "model input")
        let inQ = try activationQuant(inputTensor, "model input")
        opIndex = nil; opName = nil
        guard inShape.count == 1 || inShape.count == 3 else { throw fail("model input \(describeTensor(inputTensor)) has shape \(inT.shape); expected [1, H, W, C] or [1, n]") }
        mapped[Int(inputTensor)] = 0
        quants.append(inQ)
        notes.append("input grid: q = clamp(\(inQ.zeroPoint) + g, -128, 127); one grid step = one int8 step = \(inQ.scale) real units")

        // Output: a trailing DEQUANTIZE is dropped (ArgMax before it).
        var outIndex = sg.outputs[0]
        if let last = ops.indices.last, try code(last) == TFLiteSchema.DEQUANTIZE, ops[last].outputs == [outIndex], ops[last].inputs.count == 1 {
            skip.insert(last)
            notes.append("output: operator \(last) (DEQUANTIZE) dropped; the class is the ArgMax of its int8 input (DEQUANTIZE is increasing, so the ArgMax is unchanged)")
            outIndex = ops[last].inputs[0]
        }

        // A trailing SOFTMAX or LOGISTIC (a classifier head) is dropped too: the class is the ArgMax of its input
        // (Proofs/tflite-classifier-head.md says why, and where TFLite's int8 head output can tie).
        if let last = ops.indices.last(where: { !skip.contains($0) }), ops[last].outputs == [outIndex], ops[last].inputs.count == 1 {
            let c = try code(last)
            if c == TFLiteSchema.SOFTMAX || c == TFLiteSchema.LOGISTIC {
                opIndex = last; opName = TFLiteSchema.operatorName(c)
                if c == TFLiteSchema.SOFTMAX {
                    let beta: Float = try op0(ops[last], TFLiteSchema.softmaxOptions, "SoftmaxOptions", id: 0, "beta", Float(0))
                    guard beta.isFinite, beta > 0 else { throw fail("SOFTMAX with beta \(beta): only beta > 0 keeps the order of the logits") }
                }
                _ = try activationQuant(ops[last].inputs[0], "input")
                opIndex = nil; opName = nil
                skip.insert(last)
                notes.append("output: operator \(last) (\(TFLiteSchema.operatorName(c))) dropped; the class is the ArgMax of its int8 input logits (lowest index on ties); TFLite's int8 \(TFLiteSchema.operatorName(c)) output can tie where the logits do not (Proofs/tflite-classifier-head.md)")
                outIndex = ops[last].inputs[0]
            }
        }

        for k in ops.indices where !skip.contains(k) {
            let op = ops[k]
            let c = try code(k)
            opIndex = k
            opName = TFLiteSchema.operatorName(c)
            if c == 32 || op.hasCustomOptions && c == 32 {
                throw fail("custom operator \"\(tf.operatorCodes[Int(op.opcodeIndex)].customCode ?? "")\" is not supported")
            }
            guard op.outputs.count == 1 else { throw fail("has \(op.outputs.count) outputs; expected 1") }
            let out = op.outputs[0]
            let outQ = try activationQuant(out, "output")
            let outShape = try activationShape(out, "output")
            switch c {
            case TFLiteSchema.CONV_2D, TFLiteSchema.DEPTHWISE_CONV_2D:
                let dw = c == TFLiteSchema.DEPTHWISE_CONV_2D
                guard op.inputs.count == 2 || op.inputs.count == 3 else { throw fail("has \(op.inputs.count) inputs; expected input, filter and optional bias") }
                let x = try input(op.inputs[0])
                let xQ = quants[x]
                let w = try constant(op.inputs[1], "filter", type: TFLiteSchema.int8, width: 1)
                guard w.shape.count == 4 else { throw fail("filter has shape \(w.shape); expected 4 dimensions") }
                let oc = dw ? w.shape[3] : w.shape[0]
                let scales = try weightScales(w.t, op.inputs[1], channels: oc, dimension: dw ? 3 : 0)
                var L = Int8Layer(op: dw ? "depthwiseConv2d" : "conv2d", outputShape: outShape, outputZeroPoint: outQ.zeroPoint)
                L.inputs = [x]
                L.filter = try int8Weights(w.bytes, shape: w.shape)
                try biasAndRescale(op, into: &L, input: xQ, weightScales: scales, output: outQ, channelName: "output channel")
                let tag = dw ? TFLiteSchema.depthwiseConv2DOptions : TFLiteSchema.conv2DOptions
                guard let o = try options(op, tag, dw ? "DepthwiseConv2DOptions" : "Conv2DOptions") else { throw fail("missing builtin_options") }
                let base = dw ? 1 : 0 // depthwise has depth_multiplier at id 3, shifting the later fields by one
                L.padding = try padding(opt(o, 0, "padding", UInt8(0)))
                let sw: Int32 = try opt(o, 1, "stride_w", 0), sh: Int32 = try opt(o, 2, "stride_h", 0)
                let act: Int8 = try opt(o, 3 + base, "fused_activation_function", 0)
                let dwf: Int32 = try opt(o, 4 + base, "dilation_w_factor", 1), dhf: Int32 = try opt(o, 5 + base, "dilation_h_factor", 1)
                L.stride = [try positive(sh, "stride_h"), try positive(sw, "stride_w")]
                L.dilation = [try positive(dhf, "dilation_h_factor"), try positive(dwf, "dilation_w_factor")]
                try activation(act, outQ, into: &L)
                if dw {
                    let ic = x == 0 ? inShape.last! : layers[x - 1].outputShape.last!
                    guard oc % ic == 0 else { throw fail("depthwise filter has \(oc) channels, not a multiple of the \(ic) input channels") }
                    L.depthMultiplier = oc / ic
                }
                add(L, output: out, q: outQ, op: k, name: opName!)
            case TFLiteSchema.FULLY_CONNECTED:
                guard op.inputs.count == 2 || op.inputs.count == 3 else { throw fail("has \(op.inputs.count) inputs; expected input, weights and optional bias") }
                let x = try input(op.inputs[0])
                let xQ = quants[x]
                let w = try constant(op.inputs[1], "weights", type: TFLiteSchema.int8, width: 1)
                guard w.shape.count == 2 else { throw fail("weights have shape \(w.shape); expected [O, I]") }
                let oc = w.shape[0]
                let scales = try weightScales(w.t, op.inputs[1], channels: oc, dimension: 0)
                guard outShape.reduce(1, *) == oc else { throw fail("output shape \(outShape) does not hold the \(oc) outputs (batch size must be 1)") }
                var L = Int8Layer(op: "fullyConnected", outputShape: [oc], outputZeroPoint: outQ.zeroPoint)
                L.inputs = [x]
                L.filter = try int8Weights(w.bytes, shape: w.shape)
                try biasAndRescale(op, into: &L, input: xQ, weightScales: scales, output: outQ, channelName: "output")
                if let o = try options(op, TFLiteSchema.fullyConnectedOptions, "FullyConnectedOptions") {
                    let wf: Int8 = try opt(o, 1, "weights_format", 0)
                    guard wf == 0 else { throw fail("weights_format \(wf) (shuffled) is not supported; only DEFAULT (0)") }
                    try activation(opt(o, 0, "fused_activation_function", Int8(0)), outQ, into: &L)
                }
                add(L, output: out, q: outQ, op: k, name: opName!, deviation: TFLiteImportBuilder.fcDeviation)
            case TFLiteSchema.ADD:
                try importAdd(op, k, out: out, outQ: outQ, outShape: outShape)
            case TFLiteSchema.MUL:
                try importMul(op, k, out: out, outQ: outQ, outShape: outShape)
            case TFLiteSchema.MEAN:
                try importMean(op, k, out: out, outQ: outQ, outShape: outShape)
            case TFLiteSchema.CONCATENATION:
                try importConcatenation(op, k, out: out, outQ: outQ, outShape: outShape)
            case TFLiteSchema.AVERAGE_POOL_2D, TFLiteSchema.MAX_POOL_2D:
                guard op.inputs.count == 1 else { throw fail("has \(op.inputs.count) inputs; expected 1") }
                let x = try input(op.inputs[0])
                guard quants[x].zeroPoint == outQ.zeroPoint, quants[x].scale == outQ.scale else {
                    throw fail("input and output quantization differ (scale \(quants[x].scale) vs \(outQ.scale), zero point \(quants[x].zeroPoint) vs \(outQ.zeroPoint)); TFLite's int8 pools require them equal")
                }
                var L = Int8Layer(op: c == TFLiteSchema.MAX_POOL_2D ? "maxPool2d" : "averagePool2d", outputShape: outShape, outputZeroPoint: outQ.zeroPoint)
                L.inputs = [x]
                guard let o = try options(op, TFLiteSchema.pool2DOptions, "Pool2DOptions") else { throw fail("missing builtin_options") }
                L.padding = try padding(opt(o, 0, "padding", UInt8(0)))
                L.stride = [try positive(opt(o, 2, "stride_h", Int32(0)), "stride_h"), try positive(opt(o, 1, "stride_w", Int32(0)), "stride_w")]
                L.poolSize = [try positive(opt(o, 4, "filter_height", Int32(0)), "filter_height"), try positive(opt(o, 3, "filter_width", Int32(0)), "filter_width")]
                try activation(opt(o, 5, "fused_activation_function", Int8(0)), outQ, into: &L)
                add(L, output: out, q: outQ, op: k, name: opName!)
            case TFLiteSchema.RESHAPE:
                guard op.inputs.count == 1 || op.inputs.count == 2 else { throw fail("has \(op.inputs.count) inputs; expected 1 or 2") }
                let x = try input(op.inputs[0])
                guard quants[x].zeroPoint == outQ.zeroPoint, quants[x].scale == outQ.scale else {
                    throw fail("input and output quantization differ (scale \(quants[x].scale) vs \(outQ.scale), zero point \(quants[x].zeroPoint) vs \(outQ.zeroPoint)); a RESHAPE copies bytes")
                }
                var L = Int8Layer(op: "reshape", outputShape: outShape, outputZeroPoint: outQ.zeroPoint)
                L.inputs = [x]
                add(L, output: out, q: outQ, op: k, name: opName!)
            case TFLiteSchema.PAD:
                guard op.inputs.count == 2 else { throw fail("has \(op.inputs.count) inputs; expected the input and the paddings") }
                let x = try input(op.inputs[0])
                guard quants[x].zeroPoint == outQ.zeroPoint, quants[x].scale == outQ.scale else {
                    throw fail("input and output quantization differ (scale \(quants[x].scale) vs \(outQ.scale), zero point \(quants[x].zeroPoint) vs \(outQ.zeroPoint)); TFLite's int8 PAD keeps them")
                }
                let pt = try tensor(op.inputs[1], "paddings")
                let wide = pt.type == 4 // INT64
                let pd = try constant(op.inputs[1], "paddings", type: wide ? 4 : TFLiteSchema.int32, width: wide ? 8 : 4)
                let inRank = (x == 0 ? inShape : layers[x - 1].outputShape).count + 1
                guard pd.shape == [inRank, 2] else { throw fail("paddings have shape \(pd.shape); expected [\(inRank), 2]") }
                var vals: [Int64] = []
                for i in 0..<(inRank * 2) {
                    var v: UInt64 = 0
                    let w = wide ? 8 : 4
                    for k in 0..<w { v |= UInt64(pd.bytes[i * w + k]) << (8 * UInt64(k)) }
                    vals.append(wide ? Int64(bitPattern: v) : Int64(Int32(truncatingIfNeeded: v)))
                }
                guard vals[0] == 0, vals[1] == 0 else { throw fail("pads the batch dimension by [\(vals[0]), \(vals[1])]; only batch size 1 is supported") }
                var pads: [[Int]] = []
                for d in 1..<inRank {
                    let (b, a) = (vals[2 * d], vals[2 * d + 1])
                    guard (0...4096).contains(b), (0...4096).contains(a) else { throw fail("paddings [\(b), \(a)] of dimension \(d) outside [0, 4096]") }
                    pads.append([Int(b), Int(a)])
                }
                var L = Int8Layer(op: "pad", outputShape: outShape, outputZeroPoint: outQ.zeroPoint)
                L.inputs = [x]
                L.pads = pads
                add(L, output: out, q: outQ, op: k, name: opName!)
            case TFLiteSchema.QUANTIZE:
                // int8 -> int8 requantisation (TFLite Requantize: clamp(Z_out + MultiplyByQuantizedMultiplier(x - Z_in,
                // M0, shift)), (M0, shift) = QuantizeMultiplier(double(S_in) / double(S_out))) is exactly a 1x1
                // depthwise convolution with weight 1, no bias and that multiplier; a flat tensor is reshaped to
                // [1, 1, n] around it.
                guard op.inputs.count == 1 else { throw fail("has \(op.inputs.count) inputs; expected 1") }
                guard let x = mapped[Int(op.inputs[0])] else {
                    throw fail("QUANTIZE of \(describeTensor(op.inputs[0])) inside the graph: only int8 -> int8 requantisation, or a float32 model input, is supported")
                }
                let xQ = quants[x]
                let xs = x == 0 ? inShape : layers[x - 1].outputShape
                guard xs == outShape else { throw fail("output shape \(outShape) differs from the input's \(xs)") }
                let (m, s) = try multiplier(Double(xQ.scale) / Double(outQ.scale), "requantisation")
                let n = xs.reduce(1, *), c = xs.count == 3 ? xs[2] : n
                var src = x
                if xs.count != 3 {
                    var r = Int8Layer(op: "reshape", outputShape: [1, 1, n], outputZeroPoint: xQ.zeroPoint)
                    r.inputs = [x]; r.name = (sg.tensors[Int(out)].name) + "/as-hwc"; r.outputScale = Double(xQ.scale)
                    layers.append(r); quants.append(xQ); sourceOps.append(k); sourceNames.append(opName!); deviations.append(nil)
                    src = layers.count
                }
                var L = Int8Layer(op: "depthwiseConv2d", outputShape: xs.count == 3 ? xs : [1, 1, n], outputZeroPoint: outQ.zeroPoint)
                L.inputs = [src]
                L.filter = Int8Tensor(int8: [Int8](repeating: 1, count: c), shape: [1, 1, 1, c])
                L.multiplier = [Int](repeating: m, count: c); L.shift = [Int](repeating: s, count: c)
                L.filterScales = [Double](repeating: 1, count: c)
                L.stride = [1, 1]; L.dilation = [1, 1]; L.padding = "valid"; L.depthMultiplier = 1
                if xs.count == 3 {
                    add(L, output: out, q: outQ, op: k, name: opName!)
                } else {
                    L.name = (sg.tensors[Int(out)].name) + "/requantize"; L.outputScale = Double(outQ.scale)
                    layers.append(L); quants.append(outQ); sourceOps.append(k); sourceNames.append(opName!); deviations.append(nil)
                    var r = Int8Layer(op: "reshape", outputShape: xs, outputZeroPoint: outQ.zeroPoint)
                    r.inputs = [layers.count]
                    add(r, output: out, q: outQ, op: k, name: opName!)
                }
            case TFLiteSchema.DEQUANTIZE:
                throw fail("DEQUANTIZE is supported only as the last operator, producing the model output")
            default:
                throw fail("operator \(opName!) is not supported")
            }
        }
        opIndex = nil; opName = nil
        guard let lastOut = mapped[Int(outIndex)], lastOut == layers.count, lastOut > 0 else {
            throw fail("the model output \(describeTensor(outIndex)) is not the output of the last supported operator")
        }
        // Every layer except the last must be read by a later one.
        for l in 0..<(layers.count - 1) {
            let used = layers[(l + 1)...].contains { ($0.inputs ?? []).contains(l + 1) }
            if !used {
                opIndex = sourceOps[l]; opName = sourceNames[l]
                throw fail("its output is not used by any later operator nor the model output")
            }
        }
        opIndex = nil; opName = nil
        var desc = "Imported from TFLite (schema version 3)"
        if let d = tf.description, !d.isEmpty { desc += "; TFLite description: \(d)" }
        let model = Int8Model(name: sg.name.flatMap { $0.isEmpty ? nil : $0 }, description: desc, rounding: .double,
                              input: Int8InputSpec(shape: inShape, zeroPoint: inQ.zeroPoint, gridMultiplier: 1,
                                                   scale: Double(inQ.scale), gridScale: Double(inQ.scale)),
                              layers: layers)
        do { _ = try model.validated(file: file) } catch let e as Int8ModelError {
            if case .invalid(_, let field, let value, let problem) = e, field.hasPrefix("layers["),
               let close = field.firstIndex(of: "]"), let l = Int(field[field.index(field.startIndex, offsetBy: 7)..<close]), l < sourceOps.count {
                throw TFLiteImportError(file: file, operatorIndex: sourceOps[l], operatorName: sourceNames[l],
                                        reason: "the imported layer \(l) is not a valid IntRS layer: field \(field) = \(value): \(problem)")
            }
            throw fail("the imported model is not valid: \(e)")
        } catch {
            throw fail("the imported model is not valid: \(error)")
        }
        return TFLiteImport(model: model, sourceOperators: sourceOps, sourceOperatorNames: sourceNames, deviations: deviations, notes: notes)
    }

    func int8Weights(_ bytes: [UInt8], shape: [Int]) throws(TFLiteImportError) -> Int8Tensor {
        if let i = bytes.firstIndex(of: 0x80) {
            throw fail("weight element \(i) is -128; IntRS (like the TFLite int8 specification) requires symmetric weights in [-127, 127]")
        }
        return Int8Tensor(dtype: .int8, shape: shape, bytes: bytes)
    }

    static let fcDeviation = "LiteRT's reference FULLY_CONNECTED requantises in double: round(double(acc) * (double(S_in) * double(S_w) / double(S_out))), ties away from zero; IntRS keeps the integer-only (M0, shift) double-rounding rescale, which can differ by 1 at near-ties (Proofs/int8-rescale.md)"
}
