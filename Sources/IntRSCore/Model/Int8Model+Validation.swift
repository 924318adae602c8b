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
                                  "maxPool2d", "reshape", "flatten", "pad"]

    /// Checks the whole model and returns its evaluable form.
    ///
    /// `checkOverflow: false` skips only the static overflow check; it exists so that tests can show the
    /// reference evaluator rejecting an overflow at run time. Never evaluate such a network with the fast
    /// evaluator.
    public func validated(file: String, checkOverflow: Bool = true) throws -> Int8Network {
        var v = Validator(file: file, checkOverflow: checkOverflow)
        return try v.run(self)
    }
}

private struct Validator {
    let file: String
    let checkOverflow: Bool

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

    mutating func run(_ m: Int8Model) throws -> Int8Network {
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

        var shapes: [[Int]] = [inShape]
        var zps: [Int32] = [Int32(m.input.zeroPoint)]
        var ranges: [ClosedRange<Int32>] = [-128...127]
        var scales: [Double?] = [m.input.scale ?? m.input.gridScale.map { $0 / Double(m.input.gridMultiplier) }]
        var out: [Int8NetworkLayer] = []

        for (i, L) in m.layers.enumerated() {
            let f = "layers[\(i)]"
            guard Int8Model.knownOps.contains(L.op) else {
                throw fail("\(f).op", "\"\(L.op)\"", "unknown op; known ops: \(Int8Model.knownOps.joined(separator: ", "))")
            }
            let inputs = L.inputs ?? [i]
            for (k, t) in inputs.enumerated() where !(0...i).contains(t) {
                throw fail("\(f).inputs[\(k)]", t, "must name an earlier tensor, 0...\(i)")
            }
            let arity = L.op == "add" ? 2 : 1
            guard inputs.count == arity else { throw fail("\(f).inputs", inputs, "op \(L.op) reads \(arity) tensor(s)") }
            let x = inputs[0]
            let xs = shapes[x], xz = zps[x], xr = ranges[x]
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
            let z = Int32(L.outputZeroPoint)
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
                                    ("inputShifts", L.inputShifts != nil), ("outputMultiplier", L.outputMultiplier != nil),
                                    ("outputShift", L.outputShift != nil)] {
                try absent("\(f).\(name)", present && L.op != "add", L.op)
            }
            // |x - zeroPoint| bound of the layer's (first) input.
            let inAbs = Int64(max(abs(Int(xr.lowerBound) - Int(xz)), abs(Int(xr.upperBound) - Int(xz))))
            var outShape: [Int]
            var kind: Int8NetworkLayer.Kind
            var outRange: ClosedRange<Int32> = Int32(amin)...Int32(amax)

            switch L.op {
            case "conv2d", "depthwiseConv2d":
                let dw = L.op == "depthwiseConv2d"
                guard xs.count == 3 else { throw fail("\(f).inputs", inputs, "\(L.op) needs an [H, W, C] input, tensor \(x) has shape \(xs)") }
                let (inH, inW, inC) = (xs[0], xs[1], xs[2])
                guard let fl = L.filter else { throw fail("\(f).filter", "absent", "required for op \(L.op)") }
                guard fl.shape.count == 4 else { throw fail("\(f).filter.shape", fl.shape, "expected 4 dimensions") }
                let mult = L.depthMultiplier ?? 1
                try requireRange("\(f).depthMultiplier", mult, 1...4096)
                let (kh, kw) = (fl.shape[1], fl.shape[2])
                let oc: Int
                if dw {
                    guard fl.shape[0] == 1 else { throw fail("\(f).filter.shape[0]", fl.shape[0], "depthwise filter is [1, KH, KW, C * depthMultiplier]") }
                    oc = inC * mult
                    guard fl.shape[3] == oc else {
                        throw fail("\(f).filter.shape[3]", fl.shape[3], "shapes do not chain: input has \(inC) channels x depthMultiplier \(mult) = \(oc)")
                    }
                } else {
                    oc = fl.shape[0]
                    guard fl.shape[3] == inC else {
                        throw fail("\(f).filter.shape[3]", fl.shape[3], "shapes do not chain: input tensor \(x) has \(inC) channels")
                    }
                }
                _ = try count("\(f).filter.shape", fl.shape)
                let filter = try tensor("\(f).filter", fl, dtype: .int8, shape: fl.shape).int8Values
                if let j = filter.firstIndex(of: -128) { throw fail("\(f).filter[\(j)]", -128, "weights must be in [-127, 127] (symmetric)") }
                let bias = try L.bias.map { try tensor("\(f).bias", $0, dtype: .int32, shape: [oc]).int32Values } ?? [Int32](repeating: 0, count: oc)
                let (mm, ss) = try rescale("\(f).multiplier", L.multiplier, "\(f).shift", L.shift, count: oc)
                let (sh, sw) = try pair("\(f).stride", L.stride, default: [1, 1])
                let (dh, dwl) = try pair("\(f).dilation", L.dilation, default: [1, 1])
                let pad = try padding("\(f).padding", L.padding)
                guard let (oh, ph) = int8OutputSize(input: inH, kernel: kh, stride: sh, dilation: dh, padding: pad),
                      let (ow, pw) = int8OutputSize(input: inW, kernel: kw, stride: sw, dilation: dwl, padding: pad) else {
                    throw fail("\(f).filter.shape", fl.shape, "shapes do not chain: the (dilated) kernel is larger than the \(inH)x\(inW) input with VALID padding")
                }
                outShape = [oh, ow, oc]
                let ff = try L.floatFilter.map { try tensor("\(f).floatFilter", $0, dtype: .float32, shape: fl.shape).float32Values }
                let fb = try L.floatBias.map { try tensor("\(f).floatBias", $0, dtype: .float32, shape: [oc]).float32Values }
                if let fs = L.filterScales {
                    guard fs.count == oc else { throw fail("\(f).filterScales", "\(fs.count) values", "expected \(oc)") }
                    for (j, s) in fs.enumerated() where !(s > 0 && s.isFinite) { throw fail("\(f).filterScales[\(j)]", s, "must be positive and finite") }
                }
                // Static overflow check, per output channel.
                let taps = kh * kw
                for c in 0..<oc {
                    var sumAbs: Int64 = 0
                    if dw {
                        for t in 0..<taps { sumAbs += Int64(abs(Int(filter[t * oc + c]))) }
                    } else {
                        let k = kh * kw * inC
                        for t in 0..<k { sumAbs += Int64(abs(Int(filter[c * k + t]))) }
                    }
                    let bound = Int64(abs(Int(bias[c]))) + sumAbs * inAbs
                    try checkAccumulator(f, channel: c, bias: bias[c], bound: bound, shift: ss[c])
                }
                kind = .conv(Int8ConvPlan(
                    depthwise: dw, inH: inH, inW: inW, inC: inC, outH: oh, outW: ow, outC: oc, kernelH: kh, kernelW: kw,
                    strideH: sh, strideW: sw, dilationH: dh, dilationW: dwl, padTop: ph, padLeft: pw,
                    depthMultiplier: mult, filter: filter, bias: bias, multiplier: mm, shift: ss,
                    floatFilter: ff, floatBias: fb, filterScales: L.filterScales))

            case "fullyConnected":
                let n = xs.reduce(1, *)
                guard let fl = L.filter else { throw fail("\(f).filter", "absent", "required for op fullyConnected") }
                guard fl.shape.count == 2 else { throw fail("\(f).filter.shape", fl.shape, "expected [O, I]") }
                guard fl.shape[1] == n else {
                    throw fail("\(f).filter.shape[1]", fl.shape[1], "shapes do not chain: input tensor \(x) has \(n) elements (shape \(xs))")
                }
                let oc = fl.shape[0]
                _ = try count("\(f).filter.shape", fl.shape)
                let filter = try tensor("\(f).filter", fl, dtype: .int8, shape: fl.shape).int8Values
                if let j = filter.firstIndex(of: -128) { throw fail("\(f).filter[\(j)]", -128, "weights must be in [-127, 127] (symmetric)") }
                let bias = try L.bias.map { try tensor("\(f).bias", $0, dtype: .int32, shape: [oc]).int32Values } ?? [Int32](repeating: 0, count: oc)
                let (mm, ss) = try rescale("\(f).multiplier", L.multiplier, "\(f).shift", L.shift, count: oc)
                let ff = try L.floatFilter.map { try tensor("\(f).floatFilter", $0, dtype: .float32, shape: fl.shape).float32Values }
                let fb = try L.floatBias.map { try tensor("\(f).floatBias", $0, dtype: .float32, shape: [oc]).float32Values }
                if let fs = L.filterScales {
                    guard fs.count == oc else { throw fail("\(f).filterScales", "\(fs.count) values", "expected \(oc)") }
                    for (j, s) in fs.enumerated() where !(s > 0 && s.isFinite) { throw fail("\(f).filterScales[\(j)]", s, "must be positive and finite") }
                }
                for c in 0..<oc {
                    var sumAbs: Int64 = 0
                    for t in 0..<n { sumAbs += Int64(abs(Int(filter[c * n + t]))) }
                    try checkAccumulator(f, channel: c, bias: bias[c], bound: Int64(abs(Int(bias[c]))) + sumAbs * inAbs, shift: ss[c])
                }
                outShape = [oc]
                kind = .fullyConnected(Int8FullyConnectedPlan(
                    inCount: n, outCount: oc, filter: filter, bias: bias, multiplier: mm, shift: ss,
                    floatFilter: ff, floatBias: fb, filterScales: L.filterScales))

            case "add":
                let y = inputs[1]
                guard shapes[y] == xs else {
                    throw fail("\(f).inputs", inputs, "shapes do not chain: add needs equal shapes, got \(xs) and \(shapes[y])")
                }
                guard let ls = L.leftShift else { throw fail("\(f).leftShift", "absent", "required for op add") }
                try requireRange("\(f).leftShift", ls, 0...22)
                guard let im = L.inputMultipliers, let ish = L.inputShifts else {
                    throw fail(L.inputMultipliers == nil ? "\(f).inputMultipliers" : "\(f).inputShifts", "absent", "required for op add")
                }
                let (m2, s2) = try rescale("\(f).inputMultipliers", im, "\(f).inputShifts", ish, count: 2)
                guard let om = L.outputMultiplier else { throw fail("\(f).outputMultiplier", "absent", "required for op add") }
                guard let os = L.outputShift else { throw fail("\(f).outputShift", "absent", "required for op add") }
                let (m1, s1) = try rescale("\(f).outputMultiplier", [om], "\(f).outputShift", [os], count: 1)
                var sumBound: Int64 = 0
                for k in 0..<2 {
                    let t = inputs[k]
                    let a = Int64(max(abs(Int(ranges[t].lowerBound) - Int(zps[t])), abs(Int(ranges[t].upperBound) - Int(zps[t]))))
                    let v = a << Int64(ls)
                    guard v <= rescaleInputLimit(shift: s2[k]) || !checkOverflow else {
                        throw fail("\(f).inputShifts[\(k)]", s2[k], "input \(k) shifted left by \(ls) can reach \(v), beyond the rescale input limit \(rescaleInputLimit(shift: s2[k])) (int32 overflow)")
                    }
                    sumBound += rescaleOutputBound(v, multiplier: m2[k], shift: s2[k])
                }
                guard sumBound <= rescaleInputLimit(shift: s1[0]) || !checkOverflow else {
                    throw fail("\(f).outputShift", s1[0], "the sum of the rescaled inputs can reach \(sumBound), beyond the rescale input limit \(rescaleInputLimit(shift: s1[0])) (int32 overflow)")
                }
                outShape = xs
                kind = .add(Int8AddPlan(count: xs.reduce(1, *), leftShift: Int32(ls), inputMultipliers: m2, inputShifts: s2,
                                        outputMultiplier: m1[0], outputShift: s1[0]))

            case "averagePool2d", "maxPool2d":
                guard xs.count == 3 else { throw fail("\(f).inputs", inputs, "\(L.op) needs an [H, W, C] input, tensor \(x) has shape \(xs)") }
                guard L.outputZeroPoint == Int(xz) else {
                    throw fail("\(f).outputZeroPoint", L.outputZeroPoint, "pools keep the input's quantization: expected \(xz)")
                }
                let (kh, kw) = try pair("\(f).poolSize", L.poolSize, default: nil)
                // The fast kernel sums up to KH * KW int8 values in int32 and adds n/2 to round:
                // 128.5 * n < 2^31 needs n < 16,711,936; 2^23 taps is the documented bound.
                guard L.op == "maxPool2d" || kh * kw <= Int8Model.maxAveragePoolTaps else {
                    throw fail("\(f).poolSize", [kh, kw], "an average pool window holds at most 2^23 = \(Int8Model.maxAveragePoolTaps) taps (KH * KW = \(kh * kw)): its int32 sum could overflow")
                }
                let (sh, sw) = try pair("\(f).stride", L.stride, default: [1, 1])
                let pad = try padding("\(f).padding", L.padding)
                guard let (oh, ph) = int8OutputSize(input: xs[0], kernel: kh, stride: sh, dilation: 1, padding: pad),
                      let (ow, pw) = int8OutputSize(input: xs[1], kernel: kw, stride: sw, dilation: 1, padding: pad) else {
                    throw fail("\(f).poolSize", [kh, kw], "shapes do not chain: the pool is larger than the \(xs[0])x\(xs[1]) input with VALID padding")
                }
                outShape = [oh, ow, xs[2]]
                let p = Int8PoolPlan(inH: xs[0], inW: xs[1], channels: xs[2], outH: oh, outW: ow, poolH: kh, poolW: kw,
                                     strideH: sh, strideW: sw, padTop: ph, padLeft: pw)
                kind = L.op == "maxPool2d" ? .maxPool(p) : .averagePool(p)
                outRange = max(xr.lowerBound, Int32(amin))...max(min(xr.upperBound, Int32(amax)), max(xr.lowerBound, Int32(amin)))

            case "pad":
                guard L.outputZeroPoint == Int(xz) else {
                    throw fail("\(f).outputZeroPoint", L.outputZeroPoint, "pad keeps the input's quantization: expected \(xz)")
                }
                guard amin == -128, amax == 127 else { throw fail("\(f).activationMin", amin, "pad has no activation") }
                guard let pads = L.pads else { throw fail("\(f).pads", "absent", "required for this op") }
                guard pads.count == xs.count else { throw fail("\(f).pads", pads, "expected one [before, after] pair per input dimension (\(xs.count))") }
                var before: [Int] = []
                outShape = []
                for (d, p) in pads.enumerated() {
                    guard p.count == 2 else { throw fail("\(f).pads[\(d)]", p, "expected [before, after]") }
                    try requireRange("\(f).pads[\(d)][0]", p[0], 0...4096)
                    try requireRange("\(f).pads[\(d)][1]", p[1], 0...4096)
                    before.append(p[0]); outShape.append(xs[d] + p[0] + p[1])
                }
                let total = try count("\(f).outputShape", outShape)
                // Row-major gather map: output element -> input element or -1.
                var src = [Int32](repeating: -1, count: total)
                let inCount = xs.reduce(1, *)
                for j in 0..<inCount {
                    var rem = j, o = 0, step = 1
                    for d in (0..<xs.count).reversed() {
                        o += (rem % xs[d] + before[d]) * step
                        rem /= xs[d]; step *= outShape[d]
                    }
                    src[o] = Int32(j)
                }
                kind = .pad(Int8PadPlan(inShape: xs, outShape: outShape, before: before, sourceIndex: src))
                outRange = min(xr.lowerBound, xz)...max(xr.upperBound, xz)

            default: // reshape, flatten
                guard L.outputZeroPoint == Int(xz) else {
                    throw fail("\(f).outputZeroPoint", L.outputZeroPoint, "\(L.op) keeps the input's quantization: expected \(xz)")
                }
                guard amin == -128, amax == 127 else { throw fail("\(f).activationMin", amin, "\(L.op) has no activation") }
                let n = xs.reduce(1, *)
                outShape = L.op == "flatten" ? [n] : L.outputShape
                guard !outShape.isEmpty, outShape.allSatisfy({ $0 >= 1 }), outShape.reduce(1, *) == n else {
                    throw fail("\(f).outputShape", L.outputShape, "shapes do not chain: reshape must keep the \(n) elements of shape \(xs)")
                }
                kind = .reshape
                outRange = xr
            }
            guard L.outputShape == outShape else {
                throw fail("\(f).outputShape", L.outputShape, "shapes do not chain: the op computes \(outShape)")
            }
            guard outShape.count == 1 || outShape.count == 3 || L.op == "reshape" || L.op == "pad" else {
                throw fail("\(f).outputShape", outShape, "expected [H, W, C] or [n]")
            }
            shapes.append(outShape)
            zps.append(z)
            ranges.append(outRange)
            scales.append(L.outputScale ?? (["averagePool2d", "maxPool2d", "reshape", "flatten", "pad"].contains(L.op) ? scales[x] : nil))
            out.append(Int8NetworkLayer(op: L.op, kind: kind, inputs: inputs, index: i, outputShape: outShape,
                                        outputZeroPoint: z, activationMin: Int32(amin), activationMax: Int32(amax),
                                        fusedActivation: fused))
        }
        if let labels = m.classLabels, labels.count != shapes.last!.reduce(1, *) {
            throw fail("classLabels", "\(labels.count) labels", "expected one per output element (\(shapes.last!.reduce(1, *)))")
        }
        return Int8Network(rounding: m.rounding, input: m.input, tensorShapes: shapes, tensorZeroPoints: zps,
                           tensorRanges: ranges, tensorScales: scales, layers: out)
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
