/// Validation of an `Int8Model`: every check of Vectors/model-format.md, "Validation". The first problem
/// found is thrown as `Int8ModelError.invalid(file:field:value:problem:)`.
extension Int8Model {
    /// Inclusive range of M0.
    public static let multiplierRange: ClosedRange<Int> = (1 << 30)...((1 << 31) - 1)
    /// Inclusive range of a shift (TOSA s = 31 - shift in [2, 62]).
    public static let shiftRange: ClosedRange<Int> = -31...29
    public static let gridMultiplierRange: ClosedRange<Int> = 1...65536
    public static let maxElements = 1 << 24
    /// The most taps (KH * KW) of an averagePool2d window: the int32 sum of 2^23 int8 values plus n/2 fits.
    public static let maxAveragePoolTaps = 1 << 23
    public static let knownOps = ["conv2d", "depthwiseConv2d", "fullyConnected", "add", "averagePool2d",
                                  "maxPool2d", "reshape", "flatten", "pad", "mean", "mul", "concatenation"]
    /// Ops whose output may have any rank (the others produce [H, W, C] or [n]).
    static let anyRankOps: Set<String> = ["reshape", "pad", "mul", "concatenation"]
    /// Ops whose output keeps the input's quantization (its scale is the input's when `outputScale` is absent).
    static let quantizationKeepingOps: Set<String> = ["averagePool2d", "maxPool2d", "reshape", "flatten", "pad", "concatenation"]
    /// The most elements a mean averages (H * W): the int32 sum of 2^23 int8 values minus n * Z_in fits.
    public static let maxMeanCount = 1 << 23

    /// Checks the whole model and returns its evaluable form.
    ///
    /// `checkOverflow: false` skips only the static overflow check; it exists so that tests can show the
    /// reference evaluator rejecting an overflow at run time. Never evaluate such a network with the fast
    /// evaluator.
    public func validated(file: String, checkOverflow: Bool = true) throws -> Int8Network {
        var v = Int8ModelValidator(file: file, checkOverflow: checkOverflow)
        return try v.run(self)
    }
}

/// The checks of `Int8Model.validated`, one method per op (Int8Model+ValidationOps.swift) after the checks
/// every layer shares (`layerContext`). Holds, per tensor validated so far (tensor 0 is the input), its shape,
/// zero point, static value range and real scale.
struct Int8ModelValidator {
    let file: String
    let checkOverflow: Bool
    var shapes: [[Int]] = []
    var zps: [Int32] = []
    var ranges: [ClosedRange<Int32>] = []
    var scales: [Double?] = []

    init(file: String, checkOverflow: Bool) { self.file = file; self.checkOverflow = checkOverflow }

    func fail(_ field: String, _ value: Any, _ problem: String) -> Int8ModelError {
        .invalid(file: file, field: field, value: "\(value)", problem: problem)
    }

    func requireRange(_ field: String, _ x: Int, _ r: ClosedRange<Int>, _ what: String = "value") throws {
        guard r.contains(x) else { throw fail(field, x, "\(what) out of range [\(r.lowerBound), \(r.upperBound)]") }
    }

    func count(_ field: String, _ shape: [Int]) throws -> Int {
        guard !shape.isEmpty else { throw fail(field, shape, "empty shape") }
        var n = 1
        for (i, d) in shape.enumerated() {
            guard d >= 1 else { throw fail("\(field)[\(i)]", d, "dimension must be >= 1") }
            n *= d
            guard n <= Int8Model.maxElements else { throw fail(field, shape, "more than 2^24 elements") }
        }
        return n
    }

    func tensor(_ field: String, _ t: Int8Tensor?, dtype: Int8TensorType, shape: [Int]) throws -> Int8Tensor {
        guard let t else { throw fail(field, "absent", "required for this op") }
        guard t.dtype == dtype else { throw fail("\(field).dtype", t.dtype.rawValue, "expected \(dtype.rawValue)") }
        guard t.shape == shape else { throw fail("\(field).shape", t.shape, "expected \(shape)") }
        let n = shape.reduce(1, *)
        guard t.bytes.count == n * dtype.byteWidth else {
            throw fail("\(field).data", "\(t.bytes.count) bytes",
                       "truncated or too long: shape \(shape) of \(dtype.rawValue) needs \(n * dtype.byteWidth) bytes")
        }
        return t
    }

    func absent(_ field: String, _ present: Bool, _ op: String) throws {
        if present { throw fail(field, "present", "not a parameter of op \(op)") }
    }

    func pair(_ field: String, _ a: [Int]?, default d: [Int]?) throws -> (Int, Int) {
        guard let p = a ?? d else { throw fail(field, "absent", "required for this op") }
        guard p.count == 2 else { throw fail(field, p, "expected two values [H, W]") }
        for (i, x) in p.enumerated() { try requireRange("\(field)[\(i)]", x, 1...4096) }
        return (p[0], p[1])
    }

    func padding(_ field: String, _ s: String?) throws -> Int8Padding {
        guard let s else { throw fail(field, "absent", "required for this op (\"same\" or \"valid\")") }
        guard let p = Int8Padding(rawValue: s) else { throw fail(field, "\"\(s)\"", "expected \"same\" or \"valid\"") }
        return p
    }

    func rescale(_ fieldM: String, _ m: [Int]?, _ fieldS: String, _ s: [Int]?, count n: Int) throws -> ([Int32], [Int32]) {
        guard let m else { throw fail(fieldM, "absent", "required for this op") }
        guard let s else { throw fail(fieldS, "absent", "required for this op") }
        guard m.count == n else { throw fail(fieldM, "\(m.count) values", "expected \(n) (one per output channel)") }
        guard s.count == n else { throw fail(fieldS, "\(s.count) values", "expected \(n) (one per output channel)") }
        for (i, x) in m.enumerated() where !Int8Model.multiplierRange.contains(x) {
            throw fail("\(fieldM)[\(i)]", x, "multiplier M0 outside [2^30, 2^31) = [1073741824, 2147483647]")
        }
        for (i, x) in s.enumerated() where !Int8Model.shiftRange.contains(x) {
            throw fail("\(fieldS)[\(i)]", x, "impossible shift: must be in [-31, 29] (TOSA shift 31 - shift in [2, 62])")
        }
        return (m.map { Int32($0) }, s.map { Int32($0) })
    }

    /// One (M0, shift) pair in scalar fields (add's, mul's and mean's outputMultiplier and outputShift).
    func scalarRescale(_ fieldM: String, _ m: Int, _ fieldS: String, _ s: Int) throws -> (Int32, Int32) {
        guard Int8Model.multiplierRange.contains(m) else { throw fail(fieldM, m, "multiplier M0 outside [2^30, 2^31) = [1073741824, 2147483647]") }
        guard Int8Model.shiftRange.contains(s) else { throw fail(fieldS, s, "impossible shift: must be in [-31, 29] (TOSA shift 31 - shift in [2, 62])") }
        return (Int32(m), Int32(s))
    }

    /// Largest |value| allowed as input of a rescale with this shift (TOSA: value in [-2^(s-1), 2^(s-1)),
    /// s = 31 - shift; we require the symmetric |value| <= 2^(s-1) - 1, and int32).
    func rescaleInputLimit(shift: Int32) -> Int64 {
        let s = 31 - Int64(shift)
        return s - 1 >= 31 ? Int64(Int32.max) : (Int64(1) << (s - 1)) - 1
    }

    /// An upper bound on |rescale(v)| for |v| <= bound (either rounding variant).
    func rescaleOutputBound(_ bound: Int64, multiplier m: Int32, shift: Int32) -> Int64 {
        let s = 31 - Int64(shift)
        return (bound * Int64(m) + (Int64(1) << (s - 1)) + (Int64(1) << 30)) >> s + 1
    }

    /// The whole model: the header and input stage, then each layer in order (`layerContext` for the checks
    /// every op shares, then the op's own method, Int8Model+ValidationOps.swift), then the class labels.
    mutating func run(_ m: Int8Model) throws -> Int8Network {
        try checkHeader(m)
        shapes = [m.input.shape]
        zps = [Int32(m.input.zeroPoint)]
        ranges = [-128...127]
        scales = [m.input.scale ?? m.input.gridScale.map { $0 / Double(m.input.gridMultiplier) }]
        var out: [Int8NetworkLayer] = []
        for (i, L) in m.layers.enumerated() {
            let c = try layerContext(i, L)
            let r: Int8LayerResult
            switch L.op {
            case "conv2d", "depthwiseConv2d": r = try convLayer(c)
            case "fullyConnected": r = try fullyConnectedLayer(c)
            case "add": r = try addLayer(c)
            case "averagePool2d", "maxPool2d": r = try poolLayer(c)
            case "pad": r = try padLayer(c)
            case "mean": r = try meanLayer(c)
            case "mul": r = try mulLayer(c)
            case "concatenation": r = try concatenationLayer(c)
            default: r = try reshapeLayer(c) // reshape, flatten
            }
            guard L.outputShape == r.outShape else {
                throw fail("\(c.f).outputShape", L.outputShape, "shapes do not chain: the op computes \(r.outShape)")
            }
            guard r.outShape.count == 1 || r.outShape.count == 3 || Int8Model.anyRankOps.contains(L.op) else {
                throw fail("\(c.f).outputShape", r.outShape, "expected [H, W, C] or [n]")
            }
            shapes.append(r.outShape)
            zps.append(Int32(L.outputZeroPoint))
            ranges.append(r.outRange)
            scales.append(L.outputScale ?? (Int8Model.quantizationKeepingOps.contains(L.op) ? scales[c.x] : nil))
            out.append(Int8NetworkLayer(op: L.op, kind: r.kind, inputs: c.inputs, index: i, outputShape: r.outShape,
                                        outputZeroPoint: Int32(L.outputZeroPoint), activationMin: Int32(c.amin),
                                        activationMax: Int32(c.amax), fusedActivation: c.fused))
        }
        if let labels = m.classLabels, labels.count != shapes.last!.reduce(1, *) {
            throw fail("classLabels", "\(labels.count) labels", "expected one per output element (\(shapes.last!.reduce(1, *)))")
        }
        return Int8Network(rounding: m.rounding, input: m.input, tensorShapes: shapes, tensorZeroPoints: zps,
                           tensorRanges: ranges, tensorScales: scales, layers: out)
    }

    /// Format, version and the input stage.
    func checkHeader(_ m: Int8Model) throws {
        guard m.format == Int8Model.formatName else {
            throw fail("format", "\"\(m.format)\"", "expected \"\(Int8Model.formatName)\"")
        }
        guard m.version == Int8Model.currentVersion else {
            throw fail("version", m.version, "unsupported version (this build reads version \(Int8Model.currentVersion))")
        }
        let inShape = m.input.shape
        guard inShape.count == 1 || inShape.count == 3 else { throw fail("input.shape", inShape, "expected [H, W, C] or [n]") }
        _ = try count("input.shape", inShape)
        try requireRange("input.zeroPoint", m.input.zeroPoint, -128...127)
        try requireRange("input.gridMultiplier", m.input.gridMultiplier, Int8Model.gridMultiplierRange)
        if let s = m.input.scale, !(s > 0 && s.isFinite) { throw fail("input.scale", s, "must be positive and finite") }
        if let s = m.input.gridScale, !(s > 0 && s.isFinite) { throw fail("input.gridScale", s, "must be positive and finite") }
        guard !m.layers.isEmpty else { throw fail("layers", "[]", "a model needs at least one layer") }
    }

    /// The checks every layer gets (Vectors/model-format.md, "Common layer fields"): a known op, inputs that
    /// name earlier tensors and as many as the op reads, the output zero point, the clamp and its name, the
    /// output scale, and no parameter the op does not use.
    func layerContext(_ i: Int, _ L: Int8Layer) throws -> Int8LayerContext {
        let f = "layers[\(i)]"
        guard Int8Model.knownOps.contains(L.op) else {
            throw fail("\(f).op", "\"\(L.op)\"", "unknown op; known ops: \(Int8Model.knownOps.joined(separator: ", "))")
        }
        let inputs = L.inputs ?? [i]
        for (k, t) in inputs.enumerated() where !(0...i).contains(t) {
            throw fail("\(f).inputs[\(k)]", t, "must name an earlier tensor, 0...\(i)")
        }
        if L.op == "concatenation" {
            guard !inputs.isEmpty else { throw fail("\(f).inputs", inputs, "op concatenation reads one or more tensors") }
        } else {
            let arity = ["add", "mul"].contains(L.op) ? 2 : 1
            guard inputs.count == arity else { throw fail("\(f).inputs", inputs, "op \(L.op) reads \(arity) tensor(s)") }
        }
        let x = inputs[0]
        let xz = zps[x], xr = ranges[x]
        try requireRange("\(f).outputZeroPoint", L.outputZeroPoint, -128...127)
        let amin = L.activationMin ?? -128, amax = L.activationMax ?? 127
        try requireRange("\(f).activationMin", amin, -128...127)
        try requireRange("\(f).activationMax", amax, -128...127)
        guard amin <= amax else { throw fail("\(f).activationMax", amax, "below activationMin \(amin)") }
        let fused = L.fusedActivation ?? "none"
        switch fused {
        case "none":
            guard amin == -128, amax == 127 else {
                throw fail("\(f).activationMin", amin, "fusedActivation none needs the clamp [-128, 127], got [\(amin), \(amax)]")
            }
        case "relu", "relu6":
            guard amin == max(-128, L.outputZeroPoint) else {
                throw fail("\(f).activationMin", amin, "\(fused) needs activationMin = max(-128, outputZeroPoint) = \(max(-128, L.outputZeroPoint))")
            }
            if fused == "relu", amax != 127 { throw fail("\(f).activationMax", amax, "relu needs activationMax = 127") }
        case "relu_n1_to_1":
            // TFLite: [max(-128, Z + round(-1 / S)), min(127, Z + round(1 / S))], which contains Z; the exact
            // bounds need the scale, as for relu6.
            guard amin <= L.outputZeroPoint, L.outputZeroPoint <= amax else {
                throw fail("\(f).activationMin", amin, "relu_n1_to_1 needs a clamp containing outputZeroPoint \(L.outputZeroPoint), got [\(amin), \(amax)]")
            }
        default:
            throw fail("\(f).fusedActivation", "\"\(fused)\"", "expected \"none\", \"relu\", \"relu6\" or \"relu_n1_to_1\"")
        }
        if let s = L.outputScale, !(s > 0 && s.isFinite) { throw fail("\(f).outputScale", s, "must be positive and finite") }
        try checkUnusedParameters(f, L)
        // |x - zeroPoint| bound of the layer's (first) input.
        let inAbs = Int64(max(abs(Int(xr.lowerBound) - Int(xz)), abs(Int(xr.upperBound) - Int(xz))))
        return Int8LayerContext(f: f, index: i, L: L, inputs: inputs, x: x, xs: shapes[x], xz: xz, xr: xr,
                                amin: amin, amax: amax, fused: fused, inAbs: inAbs)
    }

    /// "A parameter an op does not use must be absent."
    func checkUnusedParameters(_ f: String, _ L: Int8Layer) throws {
        let usesConv = ["conv2d", "depthwiseConv2d"].contains(L.op)
        let usesWeights = usesConv || L.op == "fullyConnected"
        let usesPool = ["averagePool2d", "maxPool2d"].contains(L.op)
        try absent("\(f).filter", L.filter != nil && !usesWeights, L.op)
        try absent("\(f).bias", L.bias != nil && !usesWeights, L.op)
        try absent("\(f).multiplier", L.multiplier != nil && !usesWeights, L.op)
        try absent("\(f).shift", L.shift != nil && !usesWeights, L.op)
        try absent("\(f).filterScales", L.filterScales != nil && !usesWeights, L.op)
        try absent("\(f).floatFilter", L.floatFilter != nil && !usesWeights, L.op)
        try absent("\(f).floatBias", L.floatBias != nil && !usesWeights, L.op)
        try absent("\(f).pads", L.pads != nil && L.op != "pad", L.op)
        try absent("\(f).stride", L.stride != nil && !(usesConv || usesPool), L.op)
        try absent("\(f).padding", L.padding != nil && !(usesConv || usesPool), L.op)
        try absent("\(f).dilation", L.dilation != nil && !usesConv, L.op)
        try absent("\(f).depthMultiplier", L.depthMultiplier != nil && L.op != "depthwiseConv2d", L.op)
        try absent("\(f).poolSize", L.poolSize != nil && !usesPool, L.op)
        for (name, present) in [("leftShift", L.leftShift != nil), ("inputMultipliers", L.inputMultipliers != nil),
                                ("inputShifts", L.inputShifts != nil)] {
            try absent("\(f).\(name)", present && L.op != "add", L.op)
        }
        let outputRescale = ["add", "mean", "mul"].contains(L.op)
        try absent("\(f).outputMultiplier", L.outputMultiplier != nil && !outputRescale, L.op)
        try absent("\(f).outputShift", L.outputShift != nil && !outputRescale, L.op)
        try absent("\(f).axis", L.axis != nil && L.op != "concatenation", L.op)
    }

    /// `bias` is the channel's stored bias (reported as the field's value); `bound` is the computed worst-case
    /// accumulator magnitude |bias| + sum |w| * max|x - zeroPoint| (reported in the problem text, never as the value).
    func checkAccumulator(_ f: String, channel c: Int, bias: Int32, bound: Int64, shift: Int32) throws {
        if !checkOverflow { return }
        guard bound <= Int64(Int32.max) else {
            throw fail("\(f).bias[\(c)]", bias, "the worst-case int32 accumulator bound of output channel \(c), |bias| + sum |w| * max|x - zeroPoint| = \(bound), exceeds int32 (2^31 - 1 = 2147483647)")
        }
        let lim = rescaleInputLimit(shift: shift)
        guard bound <= lim else {
            throw fail("\(f).shift[\(c)]", shift, "the accumulator of output channel \(c) can reach \(bound), beyond the rescale input limit \(lim) for this shift (TOSA RESCALE precondition; the left shift would overflow int32)")
        }
    }
}
