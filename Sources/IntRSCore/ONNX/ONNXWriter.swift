/// Why a model cannot be written as ONNX: the layer (index and op) and the reason.
public struct ONNXWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    public var layer: Int?
    public var op: String?
    public var reason: String
    public var description: String {
        if let l = layer { return "layer \(l) (\(op ?? "?")): \(reason)" }
        return reason
    }
}

/// Writes an IntRS int8 model as an ONNX model (ModelProto, IR version 8, default opset 13), for
/// `intrs vectors export` (ONNX Runtime's adapter loads these files).
///
/// Syntax: onnx/onnx, onnx/onnx.proto (proto2), the field numbers used:
///
///     ModelProto:         ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8
///     OperatorSetIdProto: domain 1, version 2
///     GraphProto:         node 1, name 2, initializer 5, input 11, output 12
///     NodeProto:          input 1, output 2, name 3, op_type 4, attribute 5
///     AttributeProto:     name 1, i 3, ints 8, type 20 (INT = 2, INTS = 7)
///     TensorProto:        dims 1, data_type 2 (FLOAT 1, INT8 3, INT32 6, INT64 7), name 8, raw_data 9 (little-endian)
///     ValueInfoProto:     name 1, type 2; TypeProto: tensor_type 1; TypeProto.Tensor: elem_type 1, shape 2;
///     TensorShapeProto:   dim 1; Dimension: dim_value 1, dim_param 2
///
/// Semantics: the operators of the ONNX specification (docs/Operators.md, opset 13). IntRS tensor k is the
/// graph value "t<k>" (int8, NHWC, batch dimension "N" first); the graph input is t0 and EVERY tensor t1 ... tL
/// is a graph output, so a runtime reports each layer. Scales are the given float32 values, zero points int8.
/// - conv2d / depthwiseConv2d: Transpose to NCHW, then (form `.qlinear`) QLinearConv with per-channel weight
///   scales (OIHW weights; depthwise: group = C, [C*m, 1, KH, KW]) and the int32 bias, or (form `.qdq`)
///   DequantizeLinear of input, weights (axis 0) and bias (scale float32(S_in * S_w[c]), axis 0), float Conv,
///   QuantizeLinear; then Transpose back. TFLite SAME padding is written as explicit pads (before = total / 2).
/// - fullyConnected: Reshape to [N, n, 1, 1], a 1x1 convolution as above, Reshape to [N, O].
/// - maxPool2d: int8 MaxPool between Transposes (explicit pads; padded taps never win a max).
/// - averagePool2d: DequantizeLinear, AveragePool (count_include_pad = 0: the average over the in-image taps,
///   as TFLite's), QuantizeLinear with the same scale and zero point (both forms: ONNX has no int8 AveragePool).
/// - add, mul: DequantizeLinear of both inputs, float Add / Mul (numpy broadcasting; inputs of equal rank only,
///   so that the batch dimensions align), QuantizeLinear to the output's scale and zero point (both forms: the
///   default ONNX domain has no integer Add, and QLinearMul is in the com.microsoft domain, not the standard).
/// - mean: DequantizeLinear, ReduceMean over axes [1, 2] (NHWC's H and W; keepdims 1 for an output [1, 1, C], 0
///   for [C]), QuantizeLinear (both forms; the float mean rounded half to even, not LiteRT's integer mean).
/// - concatenation: Concat (axis + 1) of the int8 inputs directly: every input has the output's scale and zero
///   point (else refused), so the op is a copy and no DequantizeLinear / QuantizeLinear pair is needed.
/// - pad: Pad (mode constant) with the zero point as the constant, on NHWC directly; reshape / flatten: Reshape.
/// - A clamp narrower than [-128, 127]: Clip with int8 bounds after the layer.
/// QuantizeLinear rounds half to even; the float ops and that rounding are what `intrs conform` then
/// judges. Deterministic: the same model, scales and form give the same bytes.
public enum ONNXWriter {
    public enum Form: String, Sendable, CaseIterable {
        case qlinear = "onnx-qlinear", qdq = "onnx-qdq"
    }

    static let float: Int64 = 1, int8: Int64 = 3, int32: Int64 = 6, int64: Int64 = 7

    public static func write(_ model: Int8Model, tensorScales: [Float], filterScales: [[Float]], form: Form,
                             name: String) throws(ONNXWriteError) -> [UInt8] {
        let net: Int8Network
        do { net = try model.validated(file: name) } catch {
            throw ONNXWriteError(reason: "the model is not valid: \(error)")
        }
        guard tensorScales.count == net.tensorShapes.count, filterScales.count == net.layers.count else {
            throw ONNXWriteError(reason: "\(tensorScales.count) tensor scales and \(filterScales.count) filter scale rows for \(net.tensorShapes.count) tensors and \(net.layers.count) layers")
        }
        if let k = tensorScales.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw ONNXWriteError(reason: "tensor t\(k) has scale \(tensorScales[k]); must be positive and finite")
        }
        var g = Graph()
        for L in net.layers {
            let i = L.index, src = "t\(L.inputs[0])", dst = "t\(i + 1)"
            let clipped = L.activationMin != -128 || L.activationMax != 127
            let raw = clipped ? "\(dst)_raw" : dst
            let sIn = tensorScales[L.inputs[0]]
            // Quantization parameters of the tensors this layer touches (initializers "t<k>_scale", "t<k>_zp").
            // (only where a node reads them: ONNX Runtime warns about unused initializers).
            switch L.kind {
            case .conv, .fullyConnected, .averagePool, .add, .mean, .mul:
                for k in L.inputs + [i + 1] {
                    _ = g.scalarFloat("t\(k)_scale", tensorScales[k]); _ = g.scalarInt8("t\(k)_zp", Int8(net.tensorZeroPoints[k]))
                }
            case .pad: _ = g.scalarInt8("t\(L.inputs[0])_zp", Int8(net.tensorZeroPoints[L.inputs[0]]))
            case .concatenation:
                for (j, k) in L.inputs.enumerated() where tensorScales[k] != tensorScales[i + 1] || net.tensorZeroPoints[k] != L.outputZeroPoint {
                    throw ONNXWriteError(layer: i, op: L.op, reason: "input \(j) (t\(k)) has scale \(tensorScales[k]) and zero point \(net.tensorZeroPoints[k]), the output \(tensorScales[i + 1]) and \(L.outputZeroPoint); only a concatenation without requantisation is written (an int8 Concat)")
                }
            case .maxPool, .reshape: break
            }
            switch L.kind {
            case .add, .mul:
                let sa = net.tensorShapes[L.inputs[0]], sb = net.tensorShapes[L.inputs[1]]
                guard sa.count == sb.count else {
                    throw ONNXWriteError(layer: i, op: L.op, reason: "inputs of shapes \(sa) and \(sb) (ranks \(sa.count) and \(sb.count)); only inputs of equal rank are written (with the batch dimension first, ONNX's numpy broadcasting aligns them only then)")
                }
            default: break
            }
            func scale(_ k: Int) -> String { "t\(k)_scale" }
            func zp(_ k: Int) -> String { "t\(k)_zp" }
            func conv(_ xin: String, _ out: String, weights w: [Int8], wShape: [Int], bias: [Int32], fs: [Float],
                      attrs: [(String, Attr)]) {
                let wn = g.initializer("\(dst)_w", int8, wShape, w.map { UInt8(bitPattern: $0) })
                let ws = g.initializer("\(dst)_ws", float, [fs.count], TFLiteWriter.littleEndian(fs.map(\.bitPattern)))
                let wz = g.initializer("\(dst)_wz", int8, [fs.count], [UInt8](repeating: 0, count: fs.count))
                let b = g.initializer("\(dst)_b", int32, [bias.count], TFLiteWriter.littleEndian(bias))
                switch form {
                case .qlinear:
                    g.node("QLinearConv", [xin, scale(L.inputs[0]), zp(L.inputs[0]), wn, ws, wz, scale(i + 1), zp(i + 1), b], [out], attrs)
                case .qdq:
                    let bs = g.initializer("\(dst)_bs", float, [fs.count], TFLiteWriter.littleEndian(fs.map { (sIn * $0).bitPattern }))
                    let bz = g.initializer("\(dst)_bz", int32, [fs.count], [UInt8](repeating: 0, count: 4 * fs.count))
                    g.node("DequantizeLinear", [xin, scale(L.inputs[0]), zp(L.inputs[0])], ["\(dst)_xf"], [])
                    g.node("DequantizeLinear", [wn, ws, wz], ["\(dst)_wf"], [("axis", .int(0))])
                    g.node("DequantizeLinear", [b, bs, bz], ["\(dst)_bf"], [("axis", .int(0))])
                    g.node("Conv", ["\(dst)_xf", "\(dst)_wf", "\(dst)_bf"], ["\(dst)_yf"], attrs)
                    g.node("QuantizeLinear", ["\(dst)_yf", scale(i + 1), zp(i + 1)], [out], [])
                }
            }
            func nchw(_ x: String) {
                g.node("Transpose", [x], ["\(dst)_nchw_in"], [("perm", .ints([0, 3, 1, 2]))])
            }
            func nhwc(_ x: String, _ out: String) { g.node("Transpose", [x], [out], [("perm", .ints([0, 2, 3, 1]))]) }
            func pads(_ inSize: Int, _ outSize: Int, _ eff: Int, _ stride: Int, _ before: Int) -> (Int64, Int64) {
                (Int64(before), Int64(max(0, (outSize - 1) * stride + eff - inSize - before)))
            }
            switch L.kind {
            case .conv(let p):
                let fs = filterScales[i]
                guard fs.count == p.outC else { throw ONNXWriteError(layer: i, op: L.op, reason: "needs \(p.outC) filter scales, got \(fs.count)") }
                // OHWI -> OIHW (conv); [1, KH, KW, C*m] -> [C*m, 1, KH, KW] (depthwise).
                var w = [Int8](repeating: 0, count: p.filter.count)
                let kk = p.kernelH * p.kernelW
                for oc in 0..<p.outC {
                    for k in 0..<kk {
                        if p.depthwise {
                            w[oc * kk + k] = p.filter[k * p.outC + oc]
                        } else {
                            for ic in 0..<p.inC { w[(oc * p.inC + ic) * kk + k] = p.filter[(oc * kk + k) * p.inC + ic] }
                        }
                    }
                }
                let (pt, pb) = pads(p.inH, p.outH, (p.kernelH - 1) * p.dilationH + 1, p.strideH, p.padTop)
                let (pl, pr) = pads(p.inW, p.outW, (p.kernelW - 1) * p.dilationW + 1, p.strideW, p.padLeft)
                nchw(src)
                conv("\(dst)_nchw_in", "\(dst)_conv", weights: w, wShape: p.depthwise ? [p.outC, 1, p.kernelH, p.kernelW] : [p.outC, p.inC, p.kernelH, p.kernelW],
                     bias: p.bias, fs: fs,
                     attrs: [("kernel_shape", .ints([Int64(p.kernelH), Int64(p.kernelW)])), ("strides", .ints([Int64(p.strideH), Int64(p.strideW)])),
                             ("dilations", .ints([Int64(p.dilationH), Int64(p.dilationW)])), ("pads", .ints([pt, pl, pb, pr])),
                             ("group", .int(p.depthwise ? Int64(p.inC) : 1))])
                nhwc("\(dst)_conv", raw)
            case .fullyConnected(let p):
                let fs = filterScales[i]
                guard fs.count == p.outCount else { throw ONNXWriteError(layer: i, op: L.op, reason: "needs \(p.outCount) filter scales, got \(fs.count)") }
                let s4 = g.initializer("\(dst)_s4", int64, [4], TFLiteWriter.littleEndian([Int64(0), Int64(p.inCount), 1, 1]))
                g.node("Reshape", [src, s4], ["\(dst)_x4"], [])
                conv("\(dst)_x4", "\(dst)_conv", weights: p.filter, wShape: [p.outCount, p.inCount, 1, 1], bias: p.bias, fs: fs,
                     attrs: [("kernel_shape", .ints([1, 1]))])
                let s2 = g.initializer("\(dst)_s2", int64, [2], TFLiteWriter.littleEndian([Int64(0), Int64(p.outCount)]))
                g.node("Reshape", ["\(dst)_conv", s2], [raw], [])
            case .maxPool(let p), .averagePool(let p):
                let isMax: Bool
                if case .maxPool = L.kind { isMax = true } else { isMax = false }
                let (pt, pb) = pads(p.inH, p.outH, p.poolH, p.strideH, p.padTop)
                let (pl, pr) = pads(p.inW, p.outW, p.poolW, p.strideW, p.padLeft)
                var attrs: [(String, Attr)] = [("kernel_shape", .ints([Int64(p.poolH), Int64(p.poolW)])),
                                               ("strides", .ints([Int64(p.strideH), Int64(p.strideW)])), ("pads", .ints([pt, pl, pb, pr]))]
                if isMax {
                    nchw(src)
                    g.node("MaxPool", ["\(dst)_nchw_in"], ["\(dst)_pool"], attrs)
                    nhwc("\(dst)_pool", raw)
                } else {
                    attrs.append(("count_include_pad", .int(0)))
                    g.node("DequantizeLinear", [src, scale(L.inputs[0]), zp(L.inputs[0])], ["\(dst)_xf"], [])
                    g.node("Transpose", ["\(dst)_xf"], ["\(dst)_xf_nchw"], [("perm", .ints([0, 3, 1, 2]))])
                    g.node("AveragePool", ["\(dst)_xf_nchw"], ["\(dst)_yf_nchw"], attrs)
                    nhwc("\(dst)_yf_nchw", "\(dst)_yf")
                    g.node("QuantizeLinear", ["\(dst)_yf", scale(i + 1), zp(i + 1)], [raw], [])
                }
            case .add, .mul:
                let b = L.inputs[1]
                let isAdd: Bool
                if case .add = L.kind { isAdd = true } else { isAdd = false }
                g.node("DequantizeLinear", [src, scale(L.inputs[0]), zp(L.inputs[0])], ["\(dst)_af"], [])
                g.node("DequantizeLinear", ["t\(b)", scale(b), zp(b)], ["\(dst)_bf"], [])
                g.node(isAdd ? "Add" : "Mul", ["\(dst)_af", "\(dst)_bf"], ["\(dst)_yf"], [])
                g.node("QuantizeLinear", ["\(dst)_yf", scale(i + 1), zp(i + 1)], [raw], [])
            case .mean:
                // NHWC: the spatial axes are 1 and 2; keepdims as the output's rank says ([1, 1, C] or [C]).
                g.node("DequantizeLinear", [src, scale(L.inputs[0]), zp(L.inputs[0])], ["\(dst)_xf"], [])
                g.node("ReduceMean", ["\(dst)_xf"], ["\(dst)_yf"], [("axes", .ints([1, 2])), ("keepdims", .int(L.outputShape.count == 3 ? 1 : 0))])
                g.node("QuantizeLinear", ["\(dst)_yf", scale(i + 1), zp(i + 1)], [raw], [])
            case .concatenation(let p):
                // Every input has the output's scale and zero point (checked above): a copy, so an int8 Concat
                // (ONNX Concat takes any element type) on NHWC directly; the batch dimension is axis 0.
                g.node("Concat", L.inputs.map { "t\($0)" }, [raw], [("axis", .int(Int64(p.axis + 1)))])
            case .pad(let p):
                var before: [Int64] = [0], after: [Int64] = [0]
                for d in p.inShape.indices {
                    before.append(Int64(p.before[d])); after.append(Int64(p.outShape[d] - p.inShape[d] - p.before[d]))
                }
                let pv = g.initializer("\(dst)_pads", int64, [before.count * 2], TFLiteWriter.littleEndian(before + after))
                g.node("Pad", [src, pv, zp(L.inputs[0])], [raw], [])
            case .reshape:
                let target = [Int64(0)] + L.outputShape.map { Int64($0) }
                let s = g.initializer("\(dst)_shape", int64, [target.count], TFLiteWriter.littleEndian(target))
                g.node("Reshape", [src, s], [raw], [])
            }
            if clipped {
                _ = g.scalarInt8("\(dst)_lo", Int8(L.activationMin)); _ = g.scalarInt8("\(dst)_hi", Int8(L.activationMax))
                g.node("Clip", [raw, "\(dst)_lo", "\(dst)_hi"], [dst], [])
            }
        }
        func valueInfo(_ k: Int) -> ProtobufWriter {
            var v = ProtobufWriter()
            v.string(1, "t\(k)")
            v.message(2) { t in
                t.message(1) { tt in
                    tt.int(1, int8)
                    tt.message(2) { s in
                        s.message(1) { d in d.string(2, "N") }
                        for n in net.tensorShapes[k] { s.message(1) { d in d.int(1, Int64(n)) } }
                    }
                }
            }
            return v
        }
        var graph = ProtobufWriter()
        for n in g.nodes { graph.message(1, n) }
        graph.string(2, name)
        for t in g.initializers { graph.message(5, t) }
        graph.message(11, valueInfo(0))
        for k in 1..<net.tensorShapes.count { graph.message(12, valueInfo(k)) }
        var m = ProtobufWriter()
        m.int(1, 8)
        m.string(2, "intrs vectors export")
        m.string(3, IntRSVersion.string)
        m.string(6, "IntRS int8 model \(name), \(form == .qlinear ? "QLinearConv" : "QDQ") form (ONNXWriter)")
        m.message(7, graph)
        m.message(8) { o in o.string(1, ""); o.int(2, 13) }
        return m.bytes
    }

    enum Attr { case int(Int64), ints([Int64]) }

    struct Graph {
        var nodes: [ProtobufWriter] = []
        var initializers: [ProtobufWriter] = []
        var names = Set<String>()

        mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attrs: [(String, Attr)]) {
            var n = ProtobufWriter()
            for x in inputs { n.string(1, x) }
            for y in outputs { n.string(2, y) }
            n.string(3, "n\(nodes.count)_\(op)")
            n.string(4, op)
            for (name, a) in attrs {
                n.message(5) { m in
                    m.string(1, name)
                    switch a {
                    case .int(let v): m.int(3, v); m.int(20, 2)
                    case .ints(let vs): for v in vs { m.int(8, v) }; m.int(20, 7)
                    }
                }
            }
            nodes.append(n)
        }

        /// An initializer (raw little-endian data); a name already defined is reused.
        mutating func initializer(_ name: String, _ type: Int64, _ dims: [Int], _ raw: [UInt8]) -> String {
            if names.contains(name) { return name }
            names.insert(name)
            var t = ProtobufWriter()
            for d in dims { t.int(1, Int64(d)) }
            t.int(2, type)
            t.string(8, name)
            t.bytes(9, raw)
            initializers.append(t)
            return name
        }

        mutating func scalarFloat(_ name: String, _ v: Float) -> String { initializer(name, ONNXWriter.float, [], TFLiteWriter.littleEndian([v.bitPattern])) }
        mutating func scalarInt8(_ name: String, _ v: Int8) -> String { initializer(name, ONNXWriter.int8, [], [UInt8(bitPattern: v)]) }
    }
}
