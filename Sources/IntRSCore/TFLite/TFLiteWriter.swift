/// Why a model cannot be written as `.tflite`: the layer (index and op) and the reason.
public struct TFLiteWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    public var layer: Int?
    public var op: String?
    public var reason: String
    public var description: String {
        if let l = layer { return "layer \(l) (\(op ?? "?")): \(reason)" }
        return reason
    }
}

/// Writes an IntRS int8 model as a TFLite FlatBuffer (schema version 3, file identifier "TFL3"), the inverse
/// of `TFLiteImporter` on the graphs it supports; used by `intrs vectors export` so LiteRT loads the very file
/// the conformance pack describes.
///
/// Schema: tensorflow/lite/schema/schema.fbs at tensorflow/tensorflow commit
/// 4c1ad6329a0c4bf03ca437aa1cb3dc24e2d76920 (the file `TFLiteSchema` cites; field ids as listed there, plus the
/// option tables below). Option tables written (field id: name):
///
///     Conv2DOptions (union tag 1):          0 padding, 1 stride_w, 2 stride_h, 3 fused_activation_function,
///                                           4 dilation_w_factor, 5 dilation_h_factor
///     DepthwiseConv2DOptions (tag 2):       0 padding, 1 stride_w, 2 stride_h, 3 depth_multiplier,
///                                           4 fused_activation_function, 5 dilation_w_factor, 6 dilation_h_factor
///     Pool2DOptions (tag 5):                0 padding, 1 stride_w, 2 stride_h, 3 filter_width, 4 filter_height,
///                                           5 fused_activation_function
///     FullyConnectedOptions (tag 8):        0 fused_activation_function, 1 weights_format (DEFAULT), 2 keep_num_dims
///     AddOptions (tag 11):                  0 fused_activation_function
///     MulOptions (tag 21):                  0 fused_activation_function
///     ReducerOptions (tag 27, MEAN):        0 keep_dims
///     ConcatenationOptions (tag 10):        0 axis, 1 fused_activation_function (NONE)
///     ReshapeOptions (tag 17):              0 new_shape
///     (PAD has no options.)
///
/// The graph (one subgraph "main"): tensor k (k = 0 ... L) is IntRS tensor k, named "t<k>", int8, shape
/// [1] + its IntRS shape, per-tensor scale `tensorScales[k]` (float32) and its zero point; then the constants
/// of each layer ("t<i+1>/filter", "/bias", "/shape", "/paddings", "/axes"). Subgraph input t0, output tL.
/// - conv2d -> CONV_2D (filter OHWI, per-channel scales `filterScales[i]`, zero points 0, quantized dimension 0);
///   depthwiseConv2d -> DEPTHWISE_CONV_2D (filter [1, KH, KW, C*m], quantized dimension 3); fullyConnected ->
///   FULLY_CONNECTED ([O, I], quantized dimension 0). The int32 bias (zeros when the model has none) has scale
///   float32(S_in * S_w[c]) (binary32 product), zero point 0. A runtime re-derives (M0, shift) from these scales
///   (TFLite's QuantizeMultiplier of double(S_in) * double(S_w[c]) / double(S_out)); the model's own multipliers
///   are not stored (`Int8RequantizationPlan(.fromScales)` computes what the runtime will use).
/// - add -> ADD, mul -> MUL (equal shapes or broadcasting ones of equal rank; LiteRT derives ADD's multipliers
///   from the three scales, left shift 20, and MUL's as QuantizeMultiplier(float32(S_a * S_b / S_out)), mul.cc);
///   mean -> MEAN (a constant int32 axes tensor [1, 2], keep_dims true for an output [1, 1, C], false for [C];
///   LiteRT derives QuantizeMultiplier(double(S_in) / double(S_out)), reduce.cc, and from it and n the rescale of
///   the sum); concatenation -> CONCATENATION (axis + 1 for the batch dimension; every input must have the
///   output's scale and zero point, which LiteRT's int8 kernel requires: concatenation.cc, Prepare);
///   averagePool2d / maxPool2d -> AVERAGE_POOL_2D / MAX_POOL_2D (input and output quantization must be equal);
///   reshape / flatten -> RESHAPE (shape tensor and new_shape [-1, ...], so a runtime can grow the batch);
///   pad -> PAD (int32 paddings [[0, 0], [before, after] ...], the zero point fills).
/// - The clamp [activationMin, activationMax] becomes the fused activation LiteRT derives back
///   (CalculateActivationRangeQuantized, as `TFLiteImporter` reads it): NONE for [-128, 127], RELU, RELU6 or
///   RELU_N1_TO_1 when the clamp is exactly what that activation gives for the output's scale and zero point.
/// Refused (`TFLiteWriteError`, naming the layer): any other clamp, a pool, reshape or pad whose output scale or
/// zero point differs from its input's, a concatenation whose inputs' scale or zero point differs from the
/// output's, an add or mul whose inputs differ in rank, tensor scales that are not positive and finite. Deterministic: the same model and scales give the same bytes.
///
/// Not written: the input stage (gridMultiplier; the file's input is the int8 tensor t0), names, class labels,
/// float weights. `TFLiteImporter` reads the file back to the same int8 graph with the re-derived multipliers
/// (tested: TFLiteWriterTests).
public enum TFLiteWriter {
    public static let activationCodes: [String: Int8] = ["none": 0, "relu": 1, "relu_n1_to_1": 2, "relu6": 3]

    /// The fused activation code that gives the clamp [lo, hi] for an output of float32 scale `scale` and zero
    /// point `zp` (TFLite CalculateActivationRangeQuantized: Z + round(f / S), float32 division, ties away), or nil.
    /// When several activations give the clamp (RELU with Z = -128 gives [-128, 127], as NONE does; RELU6 with
    /// Z + round(6 / S) >= 127 gives RELU's), `preferred` (the layer's `fusedActivation` name) wins if it is one
    /// of them, so that an imported model is written back with the activation it had.
    public static func activationCode(lo: Int, hi: Int, scale: Float, zeroPoint zp: Int, preferred: String? = nil) -> Int8? {
        func quantize(_ f: Float) -> Int { zp + Int((f / scale).rounded(.toNearestOrAwayFromZero)) }
        if let name = preferred, let code = activationCodes[name], code != 0,
           activationCode(lo: lo, hi: hi, scale: scale, zeroPoint: zp, only: code) { return code }
        if lo == -128 && hi == 127 { return 0 }
        if lo == max(-128, zp) && hi == 127 { return 1 }
        if lo == max(-128, zp) && hi == min(127, quantize(6)) { return 3 }
        if lo == max(-128, quantize(-1)) && hi == min(127, quantize(1)) { return 2 }
        return nil
    }

    /// Whether activation `code` (1 RELU, 2 RELU_N1_TO_1, 3 RELU6) gives exactly the clamp [lo, hi].
    static func activationCode(lo: Int, hi: Int, scale: Float, zeroPoint zp: Int, only code: Int8) -> Bool {
        func quantize(_ f: Float) -> Int { zp + Int((f / scale).rounded(.toNearestOrAwayFromZero)) }
        switch code {
        case 1: return lo == max(-128, zp) && hi == 127
        case 3: return lo == max(-128, zp) && hi == min(127, quantize(6))
        case 2: return lo == max(-128, quantize(-1)) && hi == min(127, quantize(1))
        default: return false
        }
    }

    /// Writes `model` with the given float32 scales: `tensorScales[k]` for tensor k, `filterScales[i]` the
    /// per-output-channel weight scales of layer i (empty for layers without weights).
    public static func write(_ model: Int8Model, tensorScales: [Float], filterScales: [[Float]],
                             description: String = "IntRS int8 model (intrs vectors export)") throws(TFLiteWriteError) -> [UInt8] {
        let net: Int8Network
        do { net = try model.validated(file: model.name ?? "model") } catch {
            throw TFLiteWriteError(reason: "the model is not valid: \(error)")
        }
        guard tensorScales.count == net.tensorShapes.count else {
            throw TFLiteWriteError(reason: "\(tensorScales.count) tensor scales for \(net.tensorShapes.count) tensors")
        }
        guard filterScales.count == net.layers.count else {
            throw TFLiteWriteError(reason: "\(filterScales.count) filter scale rows for \(net.layers.count) layers")
        }
        if let k = tensorScales.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw TFLiteWriteError(reason: "tensor t\(k) has scale \(tensorScales[k]); must be positive and finite")
        }
        var g = Graph()
        for k in net.tensorShapes.indices {
            _ = g.tensor("t\(k)", [1] + net.tensorShapes[k], type: TFLiteSchema.int8,
                         quant: ([tensorScales[k]], [Int64(net.tensorZeroPoints[k])], 0))
        }
        for L in net.layers {
            let i = L.index, layer = model.layers[i]
            func fail(_ r: String) -> TFLiteWriteError { TFLiteWriteError(layer: i, op: L.op, reason: r) }
            let x = Int32(L.inputs[0]), y = Int32(i + 1)
            let sIn = tensorScales[L.inputs[0]], sOut = tensorScales[i + 1]
            let zIn = Int(net.tensorZeroPoints[L.inputs[0]]), zOut = Int(L.outputZeroPoint)
            guard let act = activationCode(lo: Int(L.activationMin), hi: Int(L.activationMax), scale: sOut, zeroPoint: zOut,
                                           preferred: layer.fusedActivation) else {
                throw fail("clamp [\(L.activationMin), \(L.activationMax)] is not what a TFLite fused activation (NONE, RELU, RELU6, RELU_N1_TO_1) gives for output scale \(sOut) and zero point \(zOut)")
            }
            func sameQuant(_ what: String) throws(TFLiteWriteError) {
                guard sIn == sOut, zIn == zOut else {
                    throw fail("input and output quantization differ (scale \(sIn) vs \(sOut), zero point \(zIn) vs \(zOut)); TFLite's int8 \(what) requires them equal")
                }
            }
            func noClamp(_ what: String) throws(TFLiteWriteError) {
                guard act == 0 else { throw fail("a clamp on \(what) cannot be written (TFLite \(what) has no fused activation)") }
            }
            let pad: UInt8 = layer.padding == "valid" ? 1 : 0
            let stride = layer.stride ?? [1, 1], dilation = layer.dilation ?? [1, 1]
            switch L.kind {
            case .conv(let p):
                let fs = filterScales[i]
                guard fs.count == p.outC, fs.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                    throw fail("needs \(p.outC) positive finite filter scales, got \(fs)")
                }
                let shape = p.depthwise ? [1, p.kernelH, p.kernelW, p.outC] : [p.outC, p.kernelH, p.kernelW, p.inC]
                let w = g.tensor("t\(i + 1)/filter", shape, type: TFLiteSchema.int8,
                                 quant: (fs, [Int64](repeating: 0, count: p.outC), p.depthwise ? 3 : 0),
                                 data: p.filter.map { UInt8(bitPattern: $0) })
                let b = g.bias("t\(i + 1)/bias", p.bias, sIn: sIn, filterScales: fs)
                if p.depthwise {
                    g.op(TFLiteSchema.DEPTHWISE_CONV_2D, [x, w, b], y, options: (TFLiteSchema.depthwiseConv2DOptions, { fb in
                        fb.startTable(); fb.add(0, pad); fb.add(1, Int32(stride[1])); fb.add(2, Int32(stride[0])); fb.add(3, Int32(p.depthMultiplier))
                        fb.add(4, act); fb.add(5, Int32(dilation[1])); fb.add(6, Int32(dilation[0])); return fb.endTable()
                    }))
                } else {
                    g.op(TFLiteSchema.CONV_2D, [x, w, b], y, options: (TFLiteSchema.conv2DOptions, { fb in
                        fb.startTable(); fb.add(0, pad); fb.add(1, Int32(stride[1])); fb.add(2, Int32(stride[0])); fb.add(3, act)
                        fb.add(4, Int32(dilation[1])); fb.add(5, Int32(dilation[0])); return fb.endTable()
                    }))
                }
            case .fullyConnected(let p):
                let fs = filterScales[i]
                guard fs.count == p.outCount, fs.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                    throw fail("needs \(p.outCount) positive finite filter scales, got \(fs)")
                }
                let w = g.tensor("t\(i + 1)/filter", [p.outCount, p.inCount], type: TFLiteSchema.int8,
                                 quant: (fs, [Int64](repeating: 0, count: p.outCount), 0), data: p.filter.map { UInt8(bitPattern: $0) })
                let b = g.bias("t\(i + 1)/bias", p.bias, sIn: sIn, filterScales: fs)
                g.op(TFLiteSchema.FULLY_CONNECTED, [x, w, b], y, options: (TFLiteSchema.fullyConnectedOptions, { fb in
                    fb.startTable(); fb.add(0, act); fb.add(1, Int8(0)); fb.add(2, UInt8(0)); return fb.endTable()
                }))
            case .add, .mul:
                // Broadcasting as TFLite's (aligned on the right); written only for inputs of equal rank, so that a
                // runtime growing the batch dimension keeps the alignment (IntRS shapes [C] and [H, W, C] would
                // become [N, C] and [N, H, W, C], which no longer align).
                let sa = net.tensorShapes[L.inputs[0]], sb = net.tensorShapes[L.inputs[1]]
                guard sa.count == sb.count else {
                    throw fail("inputs of shapes \(sa) and \(sb) (ranks \(sa.count) and \(sb.count)); only inputs of equal rank are written (a broadcast across ranks would misalign once the batch grows)")
                }
                let isAdd: Bool
                if case .add = L.kind { isAdd = true } else { isAdd = false }
                g.op(isAdd ? TFLiteSchema.ADD : TFLiteSchema.MUL, [x, Int32(L.inputs[1])], y,
                     options: (isAdd ? TFLiteSchema.addOptions : TFLiteSchema.mulOptions, { fb in fb.startTable(); fb.add(0, act); return fb.endTable() }))
            case .mean:
                try noClamp("MEAN")
                let axes = g.tensor("t\(i + 1)/axes", [2], type: TFLiteSchema.int32, quant: nil, data: littleEndian([Int32(1), Int32(2)]))
                let keep: UInt8 = L.outputShape.count == 3 ? 1 : 0
                g.op(TFLiteSchema.MEAN, [x, axes], y, options: (TFLiteSchema.reducerOptions, { fb in fb.startTable(); fb.add(0, keep); return fb.endTable() }))
            case .concatenation(let p):
                try noClamp("CONCATENATION")
                for (j, k) in L.inputs.enumerated() {
                    let s = tensorScales[k], z = Int(net.tensorZeroPoints[k])
                    guard s == sOut, z == zOut else {
                        throw fail("input \(j) (t\(k)) has scale \(s) and zero point \(z), the output \(sOut) and \(zOut); LiteRT's int8 CONCATENATION requires them equal (tensorflow/lite/kernels/concatenation.cc, Prepare)")
                    }
                }
                let axis = Int32(p.axis + 1)
                g.op(TFLiteSchema.CONCATENATION, L.inputs.map { Int32($0) }, y, options: (TFLiteSchema.concatenationOptions, { fb in
                    fb.startTable(); fb.add(0, axis); fb.add(1, Int8(0)); return fb.endTable()
                }))
            case .averagePool(let p), .maxPool(let p):
                try sameQuant("pools")
                let isMax: Bool
                if case .maxPool = L.kind { isMax = true } else { isMax = false }
                g.op(isMax ? TFLiteSchema.MAX_POOL_2D : TFLiteSchema.AVERAGE_POOL_2D, [x], y, options: (TFLiteSchema.pool2DOptions, { fb in
                    fb.startTable(); fb.add(0, pad); fb.add(1, Int32(p.strideW)); fb.add(2, Int32(p.strideH)); fb.add(3, Int32(p.poolW))
                    fb.add(4, Int32(p.poolH)); fb.add(5, act); return fb.endTable()
                }))
            case .reshape:
                try sameQuant("RESHAPE"); try noClamp("RESHAPE")
                let newShape = [Int32(-1)] + L.outputShape.map { Int32($0) }
                let s = g.tensor("t\(i + 1)/shape", [newShape.count], type: TFLiteSchema.int32, quant: nil, data: littleEndian(newShape))
                g.op(TFLiteSchema.RESHAPE, [x, s], y, options: (TFLiteSchema.reshapeOptions, { fb in
                    let v = fb.vector(newShape)
                    fb.startTable(); fb.addOffset(0, v); return fb.endTable()
                }))
            case .pad(let p):
                try sameQuant("PAD"); try noClamp("PAD")
                var vals: [Int32] = [0, 0]
                for d in p.inShape.indices {
                    vals.append(Int32(p.before[d])); vals.append(Int32(p.outShape[d] - p.inShape[d] - p.before[d]))
                }
                let s = g.tensor("t\(i + 1)/paddings", [p.inShape.count + 1, 2], type: TFLiteSchema.int32, quant: nil, data: littleEndian(vals))
                g.op(TFLiteSchema.PAD, [x, s], y, options: nil)
            }
        }
        return g.serialize(inputs: [0], outputs: [Int32(net.tensorShapes.count - 1)], description: description)
    }

    static func littleEndian<T: FixedWidthInteger>(_ xs: [T]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(xs.count * MemoryLayout<T>.size)
        for x in xs { for k in 0..<MemoryLayout<T>.size { out.append(UInt8(truncatingIfNeeded: x >> (8 * k))) } }
        return out
    }

    /// The graph under construction.
    struct Graph {
        struct Tensor {
            var name: String; var shape: [Int]; var type: Int8
            var quant: (scale: [Float], zeroPoint: [Int64], dimension: Int32)?
            var data: [UInt8]?
        }
        struct Op {
            var code: Int32; var inputs: [Int32]; var output: Int32
            /// Union tag and a closure that writes the option table (and what it references) and returns its offset.
            var options: (UInt8, (inout FlatBufferBuilder) -> FlatBufferBuilder.Offset)?
        }
        var tensors: [Tensor] = []
        var ops: [Op] = []

        mutating func tensor(_ name: String, _ shape: [Int], type: Int8, quant: ([Float], [Int64], Int32)?, data: [UInt8]? = nil) -> Int32 {
            tensors.append(Tensor(name: name, shape: shape, type: type, quant: quant.map { (scale: $0.0, zeroPoint: $0.1, dimension: $0.2) }, data: data))
            return Int32(tensors.count - 1)
        }

        /// An int32 bias of scale float32(S_in * S_w[c]) per channel.
        mutating func bias(_ name: String, _ b: [Int32], sIn: Float, filterScales fs: [Float]) -> Int32 {
            tensor(name, [b.count], type: TFLiteSchema.int32, quant: (fs.map { sIn * $0 }, [Int64](repeating: 0, count: b.count), 0),
                   data: TFLiteWriter.littleEndian(b))
        }

        mutating func op(_ code: Int32, _ inputs: [Int32], _ output: Int32, options: (UInt8, (inout FlatBufferBuilder) -> FlatBufferBuilder.Offset)?) {
            ops.append(Op(code: code, inputs: inputs, output: output, options: options))
        }

        func serialize(inputs: [Int32], outputs: [Int32], description: String) -> [UInt8] {
            var fb = FlatBufferBuilder()
            // Buffers: 0 is the empty sentinel; one per constant tensor, data aligned to 16 bytes.
            var bufferOf: [UInt32] = [], datas: [[UInt8]] = []
            for t in tensors {
                if let d = t.data { datas.append(d); bufferOf.append(UInt32(datas.count)) } else { bufferOf.append(0) }
            }
            var buffers: [FlatBufferBuilder.Offset] = []
            fb.startTable(); buffers.append(fb.endTable())
            for d in datas {
                let v = fb.bytes(d, alignment: 16)
                fb.startTable(); fb.addOffset(0, v); buffers.append(fb.endTable())
            }
            var tensorTables: [FlatBufferBuilder.Offset] = []
            for (k, t) in tensors.enumerated() {
                let name = fb.string(t.name)
                let shape = fb.vector(t.shape.map { Int32($0) })
                var q: FlatBufferBuilder.Offset? = nil
                if let qq = t.quant {
                    let sc = fb.vector(qq.scale), zp = fb.vector(qq.zeroPoint)
                    fb.startTable(); fb.addOffset(2, sc); fb.addOffset(3, zp); fb.add(6, qq.dimension)
                    q = fb.endTable()
                }
                fb.startTable()
                fb.addOffset(0, shape); fb.add(1, t.type); fb.add(2, bufferOf[k]); fb.addOffset(3, name)
                if let q { fb.addOffset(4, q) }
                tensorTables.append(fb.endTable())
            }
            let codes = Array(Set(ops.map(\.code))).sorted()
            var codeTables: [FlatBufferBuilder.Offset] = []
            for c in codes {
                fb.startTable(); fb.add(0, Int8(min(c, 127))); fb.add(2, Int32(1)); fb.add(3, c)
                codeTables.append(fb.endTable())
            }
            var opTables: [FlatBufferBuilder.Offset] = []
            for o in ops {
                let ins = fb.vector(o.inputs), outs = fb.vector([o.output])
                var opt: (UInt8, FlatBufferBuilder.Offset)? = nil
                if let (tag, body) = o.options { opt = (tag, body(&fb)) }
                fb.startTable()
                fb.add(0, UInt32(codes.firstIndex(of: o.code)!)); fb.addOffset(1, ins); fb.addOffset(2, outs)
                if let (tag, table) = opt { fb.add(3, tag); fb.addOffset(4, table) }
                opTables.append(fb.endTable())
            }
            let tv = fb.vector(offsets: tensorTables), ov = fb.vector(offsets: opTables)
            let iv = fb.vector(inputs), outv = fb.vector(outputs), sgName = fb.string("main")
            fb.startTable()
            fb.addOffset(0, tv); fb.addOffset(1, iv); fb.addOffset(2, outv); fb.addOffset(3, ov); fb.addOffset(4, sgName)
            let sg = fb.endTable()
            let sgv = fb.vector(offsets: [sg]), cv = fb.vector(offsets: codeTables), bv = fb.vector(offsets: buffers)
            let desc = fb.string(description)
            fb.startTable()
            fb.add(0, UInt32(3)); fb.addOffset(1, cv); fb.addOffset(2, sgv); fb.addOffset(3, desc); fb.addOffset(4, bv)
            let root = fb.endTable()
            return fb.finish(root: root, identifier: TFLiteSchema.fileIdentifier)
        }
    }
}
