/// The importer's mapping of ADD (with broadcasting), MUL, MEAN and CONCATENATION (Vectors/model-format.md,
/// "Importing TFLite"). Multipliers are derived as the LiteRT kernels derive them (tflite/kernels/add.cc,
/// mul.cc, reduce.cc; google-ai-edge/LiteRT), with `TFLiteQuantizeMultiplier`.
extension TFLiteImportBuilder {
    /// ADD: inputs of equal shapes or shapes that broadcast (TFLite's CalculateShapeForBroadcast: aligned on the
    /// right, each dimension equal or 1). The multipliers are `TFLiteAddMultipliers`' (left shift 20; with
    /// twiceMax = 2 * max(S_a, S_b): QuantizeMultiplier(double(S_k) / twiceMax) per input and
    /// QuantizeMultiplier(twiceMax / (2^20 * double(S_out)))), the ones `Int8RequantizationPlan(.fromScales)` expects.
    mutating func importAdd(_ op: TFLiteOperator, _ k: Int, out: Int32, outQ: TFLiteQuant, outShape: [Int]) throws(TFLiteImportError) {
        let (a, b) = try binaryInputs(op, outShape: outShape)
        let (qa, qb) = (quants[a], quants[b])
        var L = Int8Layer(op: "add", outputShape: outShape, outputZeroPoint: outQ.zeroPoint)
        L.inputs = [a, b]
        L.leftShift = TFLiteAddMultipliers.leftShift
        let reals = TFLiteAddMultipliers.reals(a: qa.scale, b: qb.scale, output: outQ.scale)
        let (ma, sha) = try multiplier(reals.a, "input 0")
        let (mb, shb) = try multiplier(reals.b, "input 1")
        let (mo, sho) = try multiplier(reals.output, "output")
        L.inputMultipliers = [ma, mb]; L.inputShifts = [sha, shb]; L.outputMultiplier = mo; L.outputShift = sho
        if let o = try options(op, TFLiteSchema.addOptions, "AddOptions") {
            try activation(opt(o, 0, "fused_activation_function", Int8(0)), outQ, into: &L)
        }
        add(L, output: out, q: outQ, op: k, name: opName!)
    }

    /// MUL (int8): out = clamp(Z_out + rescale((x_a - Z_a)(x_b - Z_b))), broadcasting as ADD. The multiplier is
    /// QuantizeMultiplier of `input1->params.scale * input2->params.scale / output->params.scale`, which LiteRT
    /// (mul.cc, Prepare) evaluates in float32 before widening to double; the importer does the same.
    mutating func importMul(_ op: TFLiteOperator, _ k: Int, out: Int32, outQ: TFLiteQuant, outShape: [Int]) throws(TFLiteImportError) {
        let (a, b) = try binaryInputs(op, outShape: outShape)
        var L = Int8Layer(op: "mul", outputShape: outShape, outputZeroPoint: outQ.zeroPoint)
        L.inputs = [a, b]
        let real: Float = quants[a].scale * quants[b].scale / outQ.scale
        let (m, s) = try multiplier(Double(real), "output")
        L.outputMultiplier = m; L.outputShift = s
        if let o = try options(op, TFLiteSchema.mulOptions, "MulOptions") {
            try activation(opt(o, 0, "fused_activation_function", Int8(0)), outQ, into: &L)
        }
        add(L, output: out, q: outQ, op: k, name: opName!)
    }

    /// The two activation inputs of ADD or MUL, whose shapes must broadcast to the output's.
    func binaryInputs(_ op: TFLiteOperator, outShape: [Int]) throws(TFLiteImportError) -> (Int, Int) {
        guard op.inputs.count == 2 else { throw fail("has \(op.inputs.count) inputs; expected 2") }
        let a = try input(op.inputs[0]), b = try input(op.inputs[1])
        let sa = try activationShape(op.inputs[0], "input"), sb = try activationShape(op.inputs[1], "input")
        guard let s = Int8BroadcastPlan.outputShape(sa, sb), s == outShape else {
            throw fail("input shapes \(sa) and \(sb) (without the batch dimension) do not broadcast to the output shape \(outShape) (TFLite broadcasting: aligned on the right, each dimension equal or 1)")
        }
        return (a, b)
    }

    /// MEAN over H and W of a [1, H, W, C] input (axes {1, 2} in any order, negative allowed; keep_dims either
    /// way): `mean` with (M0, shift) = QuantizeMultiplier(double(S_in) / double(S_out)) (reduce.cc,
    /// PrepareMeanOrSum); the op derives the multiplier of the sum from it and n = H * W as LiteRT's reference
    /// kernel does (reduce.h, QuantizedMeanOrSum).
    mutating func importMean(_ op: TFLiteOperator, _ k: Int, out: Int32, outQ: TFLiteQuant, outShape: [Int]) throws(TFLiteImportError) {
        guard op.inputs.count == 2 else { throw fail("has \(op.inputs.count) inputs; expected the input and the axes") }
        let x = try input(op.inputs[0])
        let xs = try activationShape(op.inputs[0], "input")
        guard xs.count == 3 else { throw fail("input has shape [1] + \(xs); only a [1, H, W, C] input averaged over H and W is supported") }
        let t = try tensor(op.inputs[1], "axes")
        guard t.type == TFLiteSchema.int32 else { throw fail("axes \(describeTensor(op.inputs[1])) are \(TFLiteSchema.tensorTypeName(t.type)); expected INT32") }
        let ax = try constant(op.inputs[1], "axes", type: TFLiteSchema.int32, width: 4)
        var axes = Set<Int>()
        for i in 0..<(ax.bytes.count / 4) {
            let v = Int(Int32(bitPattern: UInt32(ax.bytes[4 * i]) | UInt32(ax.bytes[4 * i + 1]) << 8 | UInt32(ax.bytes[4 * i + 2]) << 16 | UInt32(ax.bytes[4 * i + 3]) << 24))
            guard (-4...3).contains(v) else { throw fail("axis \(v) outside [-4, 3] for a 4-dimensional input") }
            axes.insert(v < 0 ? v + 4 : v)
        }
        guard axes == [1, 2] else { throw fail("averages over axes \(axes.sorted()); only the spatial axes {1, 2} (H and W) are supported") }
        let keep: Bool = try op0(op, TFLiteSchema.reducerOptions, "ReducerOptions", id: 0, "keep_dims", false)
        let expected = keep ? [1, 1, xs[2]] : [xs[2]]
        guard outShape == expected else { throw fail("output shape \(outShape) (without the batch dimension); expected \(expected) for keep_dims \(keep)") }
        var L = Int8Layer(op: "mean", outputShape: outShape, outputZeroPoint: outQ.zeroPoint)
        L.inputs = [x]
        let (m, s) = try multiplier(Double(quants[x].scale) / Double(outQ.scale), "output")
        L.outputMultiplier = m; L.outputShift = s
        add(L, output: out, q: outQ, op: k, name: opName!)
    }

    /// CONCATENATION (int8): every input must have the output's scale and zero point, which LiteRT's int8 kernel
    /// requires (google-ai-edge/LiteRT tflite/kernels/concatenation.cc at 02c09b61eba979d36a5c92d52e0c8d2c4d2e3be0,
    /// Prepare: for kTfLiteInt8, "no re-scaling needed for Int8 quantized kernel", TF_LITE_ENSURE_EQ of
    /// t->params.scale and t->params.zero_point against the output's for every input); it then copies.
    /// The axis is not the batch axis (it may be negative); the fused activation must be NONE (LiteRT requires it).
    mutating func importConcatenation(_ op: TFLiteOperator, _ k: Int, out: Int32, outQ: TFLiteQuant, outShape: [Int]) throws(TFLiteImportError) {
        guard !op.inputs.isEmpty else { throw fail("has no inputs") }
        var xs: [Int] = []
        for (i, t) in op.inputs.enumerated() {
            let x = try input(t)
            let q = quants[x]
            guard q.scale == outQ.scale, q.zeroPoint == outQ.zeroPoint else {
                throw fail("input \(i) \(describeTensor(t)) has scale \(q.scale) and zero point \(q.zeroPoint), the output \(outQ.scale) and \(outQ.zeroPoint): LiteRT's int8 CONCATENATION requires equal quantization (tflite/kernels/concatenation.cc, Prepare: TF_LITE_ENSURE_EQ of every input's params.scale and params.zero_point against the output's; it has no requantising path), so IntRS does too")
            }
            xs.append(x)
        }
        let rank = try activationShape(op.inputs[0], "input").count + 1
        let o = try options(op, TFLiteSchema.concatenationOptions, "ConcatenationOptions")
        let axis: Int32 = try o.map { o throws(TFLiteImportError) in try opt(o, 0, "axis", Int32(0)) } ?? 0
        let act: Int8 = try o.map { o throws(TFLiteImportError) in try opt(o, 1, "fused_activation_function", Int8(0)) } ?? 0
        guard act == 0 else { throw fail("fused activation \(act): LiteRT's CONCATENATION requires NONE") }
        let a = axis < 0 ? Int(axis) + rank : Int(axis)
        guard a >= 1, a < rank else { throw fail("axis \(axis) of a \(rank)-dimensional input: only a non-batch axis is supported") }
        var L = Int8Layer(op: "concatenation", outputShape: outShape, outputZeroPoint: outQ.zeroPoint)
        L.inputs = xs
        L.axis = a - 1
        add(L, output: out, q: outQ, op: k, name: opName!)
    }
}
