/// SplitMix64: a small deterministic PRNG for generating test models, inputs and the benchmark model.
/// Not for noise (noise uses the ChaCha20 stream).
public struct Int8SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in the closed range (rejection-free modulo; bias is irrelevant for test generation, but the
    /// result is deterministic across platforms because it uses only UInt64 arithmetic).
    public mutating func int(_ r: ClosedRange<Int>) -> Int {
        let span = UInt64(r.upperBound - r.lowerBound) &+ 1
        return r.lowerBound + Int(span == 0 ? next() : next() % span)
    }
    public mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    public mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }
}

/// TFLite's QuantizeMultiplier: a positive real multiplier M as (M0, shift) with M ~ M0 * 2^(shift - 31),
/// M0 in [2^30, 2^31): frexp, then M0 = round(fraction * 2^31) with ties away from zero (carrying into the
/// exponent when it reaches 2^31). Used only to BUILD models from real scales; inference never sees floats.
public func int8QuantizeMultiplier(_ m: Double) -> (multiplier: Int, shift: Int) {
    precondition(m > 0 && m.isFinite)
    let e = m.exponent + 1                   // m = f * 2^e with f in [0.5, 1)
    let f = m.significand / 2                // significand in [1, 2)
    var q = Int((f * 2147483648.0).rounded(.toNearestOrAwayFromZero))
    var shift = e
    if q == 1 << 31 { q /= 2; shift += 1 }
    return (q, shift)
}

/// Random valid int8 models and inputs for property tests and vectors (deterministic for a seed).
/// Models exercise: random shapes, strides, dilations, SAME/VALID, zero points, multipliers at the edges
/// of [2^30, 2^31), shifts from very negative to positive, biases that push accumulators to the edge of
/// int32 (within the static overflow bound), depthwise multipliers, pools, add with residual inputs.
public enum Int8ModelGenerator {
    static func edgeMultiplier(_ r: inout Int8SplitMix64) -> Int {
        switch r.int(0...5) {
        case 0: return 1 << 30
        case 1: return (1 << 31) - 1
        case 2: return (1 << 30) + r.int(0...3)
        case 3: return (1 << 31) - 1 - r.int(0...3)
        default: return r.int(Int8Model.multiplierRange)
        }
    }

    static func log2ceil(_ x: Int64) -> Int { x <= 1 ? 0 : 64 - (x - 1).leadingZeroBitCount }

    /// Chooses per-channel biases, multipliers and shifts for a weighted layer whose static accumulator
    /// bound without bias is `bound0[c]`: sometimes the bias pushes the accumulator to the int32 limit,
    /// sometimes the shift is positive (when the bound allows it).
    static func rescaleParams(_ r: inout Int8SplitMix64, bound0: [Int64]) -> (bias: [Int32], multiplier: [Int], shift: [Int]) {
        var bias: [Int32] = [], mult: [Int] = [], shift: [Int] = []
        let extreme = r.chance(20)
        for b0 in bound0 {
            var b: Int64
            if extreme && r.chance(70) {
                let room = Int64(Int32.max) - b0
                b = room - Int64(r.int(0...3))
                if r.chance(50) { b = -b }
            } else {
                b = Int64(r.int(-3000...3000))
                if r.chance(10) { b = Int64(r.int(-2_000_000...2_000_000)) }
                b = max(-(Int64(Int32.max) - b0), min(Int64(Int32.max) - b0, b))
            }
            bias.append(Int32(b))
            let total = abs(b) + b0
            // Real multiplier about 128 / (typical |acc|): typical |acc| ~ sqrt of the bound times a bit.
            let typical = max(Int64(1), abs(b) > b0 ? abs(b) : Int64(Double(b0).squareRoot() * 16))
            var s = 8 - log2ceil(typical) + r.int(-2...2)
            let maxPositive = 30 - log2ceil(total + 1) - 1
            s = min(s, maxPositive, 29)
            if r.chance(5) { s = -31 + r.int(0...2) }
            s = max(s, -31)
            mult.append(edgeMultiplier(&r))
            shift.append(s)
        }
        return (bias, mult, shift)
    }

    static func activation(_ r: inout Int8SplitMix64, _ L: inout Int8Layer) {
        let z = L.outputZeroPoint
        switch r.int(0...2) {
        case 0: L.fusedActivation = "none"
        case 1: L.fusedActivation = "relu"; L.activationMin = max(-128, z); L.activationMax = 127
        default: L.fusedActivation = "relu6"; L.activationMin = max(-128, z); L.activationMax = min(127, max(-128, z) + r.int(0...200))
        }
    }

    static func bound0(net: Int8Network, tensor t: Int, filter: [Int8], channels: Int, perChannel: (Int) -> [Int]) -> [Int64] {
        let r = net.tensorRanges[t], z = Int(net.tensorZeroPoints[t])
        let a = Int64(max(abs(Int(r.lowerBound) - z), abs(Int(r.upperBound) - z)))
        return (0..<channels).map { c in perChannel(c).reduce(Int64(0)) { $0 + Int64(abs(Int(filter[$1]))) } * a }
    }

    /// A random valid model: 1-4 feature layers on a small [H, W, C] input, then flatten and fullyConnected.
    /// `ops` forces the feature layers (any of the ops, in order); `head: false` omits flatten + fully
    /// connected (the last feature layer's output is then the classifier output).
    public static func randomModel(seed: UInt64, rounding: RescaleRounding, ops: [String]? = nil, head: Bool = true) -> Int8Model {
        var r = Int8SplitMix64(seed: seed)
        let shape = [r.int(1...7), r.int(1...7), r.int(1...4)]
        var m = Int8Model(name: "random-\(seed)", rounding: rounding,
                          input: Int8InputSpec(shape: shape, zeroPoint: r.pick([-128, 0, r.int(-128...127)]),
                                               gridMultiplier: r.pick([1, 1, 2, r.int(1...300)])),
                          layers: [])
        var net = try! m.validatedPrefix()
        let features = ops?.count ?? r.int(1...4)
        for f in 0..<features {
            let t = net.tensorShapes.count - 1
            let xs = net.tensorShapes[t]
            let op = ops?[f] ?? r.pick(["conv2d", "conv2d", "depthwiseConv2d", "averagePool2d", "maxPool2d", "add"])
            if tfliteOps.contains(op) {
                appendTFLiteOp(op, &r, &m)
                net = try! m.validatedPrefix()
                continue
            }
            var L = Int8Layer(op: op, outputShape: [], outputZeroPoint: r.int(-128...127))
            switch op {
            case "conv2d", "depthwiseConv2d":
                let dw = op == "depthwiseConv2d"
                let kh = r.int(1...min(3, xs[0] + 1)), kw = r.int(1...min(3, xs[1] + 1))
                let mult = dw ? r.int(1...2) : 1
                let oc = dw ? xs[2] * mult : r.int(1...6)
                L.stride = [r.int(1...2), r.int(1...2)]
                L.dilation = r.chance(25) ? [r.int(1...2), r.int(1...2)] : [1, 1]
                L.padding = r.pick(["same", "valid"])
                let ekh = (kh - 1) * L.dilation![0] + 1, ekw = (kw - 1) * L.dilation![1] + 1
                if ekh > xs[0] || ekw > xs[1] { L.padding = "same" }
                let fshape = dw ? [1, kh, kw, oc] : [oc, kh, kw, xs[2]]
                let n = fshape.reduce(1, *)
                let wmax = r.pick([127, 127, 20, 3])
                let filter: [Int8] = (0..<n).map { _ in Int8(r.chance(10) ? r.pick([-127, 127]) : r.int(-wmax...wmax)) }
                L.filter = Int8Tensor(int8: filter, shape: fshape)
                if dw { L.depthMultiplier = mult }
                let k = kh * kw * xs[2]
                let b0 = bound0(net: net, tensor: t, filter: filter, channels: oc) { c in
                    dw ? (0..<(kh * kw)).map { $0 * oc + c } : (0..<k).map { c * k + $0 }
                }
                let (bias, mu, sh) = rescaleParams(&r, bound0: b0)
                L.bias = Int8Tensor(int32: bias, shape: [oc]); L.multiplier = mu; L.shift = sh
                activation(&r, &L)
                let oh = int8OutputSize(input: xs[0], kernel: kh, stride: L.stride![0], dilation: L.dilation![0], padding: Int8Padding(rawValue: L.padding!)!)!.out
                let ow = int8OutputSize(input: xs[1], kernel: kw, stride: L.stride![1], dilation: L.dilation![1], padding: Int8Padding(rawValue: L.padding!)!)!.out
                L.outputShape = [oh, ow, oc]
            case "averagePool2d", "maxPool2d":
                let kh = r.int(1...min(3, xs[0])), kw = r.int(1...min(3, xs[1]))
                L.poolSize = [kh, kw]
                L.stride = [r.int(1...2), r.int(1...2)]
                L.padding = r.pick(["same", "valid"])
                L.outputZeroPoint = Int(net.tensorZeroPoints[t])
                activation(&r, &L)
                let oh = int8OutputSize(input: xs[0], kernel: kh, stride: L.stride![0], dilation: 1, padding: Int8Padding(rawValue: L.padding!)!)!.out
                let ow = int8OutputSize(input: xs[1], kernel: kw, stride: L.stride![1], dilation: 1, padding: Int8Padding(rawValue: L.padding!)!)!.out
                L.outputShape = [oh, ow, xs[2]]
            case "fullyConnected":
                let n = xs.reduce(1, *), oc = r.int(1...6)
                let filter: [Int8] = (0..<(oc * n)).map { _ in Int8(r.int(-127...127)) }
                L.filter = Int8Tensor(int8: filter, shape: [oc, n])
                let b0 = bound0(net: net, tensor: t, filter: filter, channels: oc) { c in (0..<n).map { c * n + $0 } }
                let (bias, mu, sh) = rescaleParams(&r, bound0: b0)
                L.bias = Int8Tensor(int32: bias, shape: [oc]); L.multiplier = mu; L.shift = sh
                activation(&r, &L)
                L.outputShape = [oc]
            case "reshape", "flatten":
                L.outputZeroPoint = Int(net.tensorZeroPoints[t])
                let n = xs.reduce(1, *)
                L.outputShape = op == "flatten" ? [n] : (xs.count == 3 ? [xs[0] * xs[1], xs[2]] : [1, n, 1])
            case "pad":
                // Only when asked for (`ops`): the random op list above does not pick it, so existing seeds keep their models.
                L.outputZeroPoint = Int(net.tensorZeroPoints[t])
                L.pads = xs.map { _ in [r.int(0...2), r.int(0...2)] }
                L.outputShape = zip(xs, L.pads!).map { $0 + $1[0] + $1[1] }
            default: // add
                let same = net.tensorShapes.indices.filter { net.tensorShapes[$0] == xs }
                L.inputs = [t, r.pick(same)]
                L.leftShift = r.pick([20, 20, 0, r.int(0...20)])
                let ls = L.leftShift!
                L.inputMultipliers = [edgeMultiplier(&r), edgeMultiplier(&r)]
                L.inputShifts = [r.int(-3...0), r.int(-3...0)]
                L.outputMultiplier = edgeMultiplier(&r)
                L.outputShift = max(-31, min(0, -ls + r.int(-2...2)))
                activation(&r, &L)
                L.outputShape = xs
            }
            m.layers.append(L)
            net = try! m.validatedPrefix()
        }
        if !head { _ = try! m.validated(file: "random-\(seed)"); return m }
        let t = net.tensorShapes.count - 1
        let n = net.tensorShapes[t].reduce(1, *)
        if net.tensorShapes[t].count != 1 {
            m.layers.append(Int8Layer(op: "flatten", outputShape: [n], outputZeroPoint: Int(net.tensorZeroPoints[t])))
            net = try! m.validatedPrefix()
        }
        let classes = r.int(2...6)
        var fc = Int8Layer(op: "fullyConnected", outputShape: [classes], outputZeroPoint: r.int(-128...127))
        let filter: [Int8] = (0..<(classes * n)).map { _ in Int8(r.int(-127...127)) }
        fc.filter = Int8Tensor(int8: filter, shape: [classes, n])
        let b0 = bound0(net: net, tensor: net.tensorShapes.count - 1, filter: filter, channels: classes) { c in (0..<n).map { c * n + $0 } }
        let (bias, mu, sh) = rescaleParams(&r, bound0: b0)
        fc.bias = Int8Tensor(int32: bias, shape: [classes]); fc.multiplier = mu; fc.shift = sh
        activation(&r, &fc)
        m.layers.append(fc)
        _ = try! m.validated(file: "random-\(seed)")
        return m
    }

    /// Random grid inputs for a model: mostly values that land inside the int8 range, with a share of
    /// extreme values (clipped to -128 and 127) and large noise-like values.
    public static func randomGrid(_ r: inout Int8SplitMix64, model: Int8Model) -> [Int] {
        let n = model.input.shape.reduce(1, *)
        let z = model.input.zeroPoint, gm = model.input.gridMultiplier
        let lo = (-128 - z) / gm - 1, hi = (127 - z) / gm + 1
        let style = r.int(0...3)
        return (0..<n).map { _ in
            switch style {
            case 0: return r.pick([lo - 5, hi + 5, -100_000, 100_000, Int(Int32.min), Int(Int32.max)])
            default: return r.chance(10) ? r.int(-3000...3000) : r.int(lo...hi)
            }
        }
    }
}

extension Int8Model {
    /// Validation of a model under construction (no layers yet is allowed): used by generators.
    func validatedPrefix() throws -> Int8Network {
        if layers.isEmpty {
            var m = self
            m.layers = [Int8Layer(op: "reshape", outputShape: input.shape, outputZeroPoint: input.zeroPoint)]
            let n = try m.validated(file: "prefix")
            return Int8Network(rounding: n.rounding, input: n.input, tensorShapes: [n.tensorShapes[0]],
                               tensorZeroPoints: [n.tensorZeroPoints[0]], tensorRanges: [n.tensorRanges[0]],
                               tensorScales: [n.tensorScales[0]], layers: [])
        }
        return try validated(file: "prefix")
    }
}
