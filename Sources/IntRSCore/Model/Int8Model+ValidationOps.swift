/// The op-specific checks of `Int8Model.validated`, one method per op of Vectors/model-format.md, "Ops". Each
/// gets the shared context (`Int8ModelValidator.layerContext`) and returns the output shape, the evaluable plan
/// and the static range of the output.
struct Int8LayerContext {
    /// The field prefix, "layers[i]".
    let f: String
    let index: Int
    let L: Int8Layer
    /// The tensors read (resolved default), and the first of them with its shape, zero point and static range.
    let inputs: [Int]
    let x: Int
    let xs: [Int]
    let xz: Int32
    let xr: ClosedRange<Int32>
    /// The clamp and its name.
    let amin: Int
    let amax: Int
    let fused: String
    /// max |x - Z| over the first input's static range.
    let inAbs: Int64
}

struct Int8LayerResult {
    var outShape: [Int]
    var kind: Int8NetworkLayer.Kind
    var outRange: ClosedRange<Int32>
}

extension Int8ModelValidator {
    /// conv2d and depthwiseConv2d: filter layout and channels, bias, per-channel rescale, stride, dilation,
    /// padding, float fields, and the static overflow bound of every output channel.
    func convLayer(_ c: Int8LayerContext) throws -> Int8LayerResult {
        let (f, L, inputs, x, xs, inAbs) = (c.f, c.L, c.inputs, c.x, c.xs, c.inAbs)
        let outShape: [Int]
        let kind: Int8NetworkLayer.Kind
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
        return Int8LayerResult(outShape: outShape, kind: kind, outRange: Int32(c.amin)...Int32(c.amax))
    }

    /// fullyConnected: weights [O, I] against the input's elements, bias, rescale, overflow bound per output.
    func fullyConnectedLayer(_ c: Int8LayerContext) throws -> Int8LayerResult {
        let (f, L, x, xs, inAbs) = (c.f, c.L, c.x, c.xs, c.inAbs)
        let outShape: [Int]
        let kind: Int8NetworkLayer.Kind
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
        return Int8LayerResult(outShape: outShape, kind: kind, outRange: Int32(c.amin)...Int32(c.amax))
    }

    /// add: equal or broadcasting shapes, leftShift, the three rescales and their overflow bounds.
    func addLayer(_ c: Int8LayerContext) throws -> Int8LayerResult {
        let (f, L, inputs) = (c.f, c.L, c.inputs)
        let outShape: [Int]
        let kind: Int8NetworkLayer.Kind
        let (out, broadcast) = try broadcastShapes(c)
        guard let ls = L.leftShift else { throw fail("\(f).leftShift", "absent", "required for op add") }
        try requireRange("\(f).leftShift", ls, 0...22)
        guard let im = L.inputMultipliers, let ish = L.inputShifts else {
            throw fail(L.inputMultipliers == nil ? "\(f).inputMultipliers" : "\(f).inputShifts", "absent", "required for op add")
        }
        let (m2, s2) = try rescale("\(f).inputMultipliers", im, "\(f).inputShifts", ish, count: 2)
        guard let om = L.outputMultiplier else { throw fail("\(f).outputMultiplier", "absent", "required for op add") }
        guard let os = L.outputShift else { throw fail("\(f).outputShift", "absent", "required for op add") }
        let (m1, s1) = try scalarRescale("\(f).outputMultiplier", om, "\(f).outputShift", os)
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
        guard sumBound <= rescaleInputLimit(shift: s1) || !checkOverflow else {
            throw fail("\(f).outputShift", s1, "the sum of the rescaled inputs can reach \(sumBound), beyond the rescale input limit \(rescaleInputLimit(shift: s1)) (int32 overflow)")
        }
        outShape = out
        kind = .add(Int8AddPlan(count: out.reduce(1, *), leftShift: Int32(ls), inputMultipliers: m2, inputShifts: s2,
                                outputMultiplier: m1, outputShift: s1, broadcast: broadcast))
        return Int8LayerResult(outShape: outShape, kind: kind, outRange: Int32(c.amin)...Int32(c.amax))
    }

    /// averagePool2d and maxPool2d: quantization kept, window, stride, padding.
    func poolLayer(_ c: Int8LayerContext) throws -> Int8LayerResult {
        let (f, L, inputs, x, xs, xz, xr, amin, amax) = (c.f, c.L, c.inputs, c.x, c.xs, c.xz, c.xr, c.amin, c.amax)
        let outShape: [Int]
        let kind: Int8NetworkLayer.Kind
        let outRange: ClosedRange<Int32>
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
        return Int8LayerResult(outShape: outShape, kind: kind, outRange: outRange)
    }

    /// pad, reshape and flatten keep the input's quantization and have no activation: the output zero point must be
    /// the input's and the activation clamp the whole int8 range (errors name the layer's op).
    func requireQuantizationKept(_ c: Int8LayerContext) throws {
        guard c.L.outputZeroPoint == Int(c.xz) else {
            throw fail("\(c.f).outputZeroPoint", c.L.outputZeroPoint, "\(c.L.op) keeps the input's quantization: expected \(c.xz)")
        }
        guard c.amin == -128, c.amax == 127 else { throw fail("\(c.f).activationMin", c.amin, "\(c.L.op) has no activation") }
    }

    /// pad: quantization kept, no activation, one [before, after] pair per dimension.
    func padLayer(_ c: Int8LayerContext) throws -> Int8LayerResult {
        let (f, L, xs, xz, xr) = (c.f, c.L, c.xs, c.xz, c.xr)
        var outShape: [Int]
        let kind: Int8NetworkLayer.Kind
        let outRange: ClosedRange<Int32>
        try requireQuantizationKept(c)
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
        return Int8LayerResult(outShape: outShape, kind: kind, outRange: outRange)
    }

    /// reshape and flatten: quantization kept, no activation, the element count kept.
    func reshapeLayer(_ c: Int8LayerContext) throws -> Int8LayerResult {
        let (f, L, xs, xr) = (c.f, c.L, c.xs, c.xr)
        let outShape: [Int]
        let kind: Int8NetworkLayer.Kind
        let outRange: ClosedRange<Int32>
        try requireQuantizationKept(c)
        let n = xs.reduce(1, *)
        outShape = L.op == "flatten" ? [n] : L.outputShape
        guard !outShape.isEmpty, outShape.allSatisfy({ $0 >= 1 }), outShape.reduce(1, *) == n else {
            throw fail("\(f).outputShape", L.outputShape, "shapes do not chain: reshape must keep the \(n) elements of shape \(xs)")
        }
        kind = .reshape
        outRange = xr
        return Int8LayerResult(outShape: outShape, kind: kind, outRange: outRange)
    }

    /// The output shape of an elementwise binary op (add, mul) and its broadcast plan (nil for equal shapes):
    /// TFLite's broadcasting, shapes aligned on the right, each dimension equal or 1 (Int8BroadcastPlan).
    func broadcastShapes(_ c: Int8LayerContext) throws -> ([Int], Int8BroadcastPlan?) {
        let (a, b) = (shapes[c.inputs[0]], shapes[c.inputs[1]])
        if a == b { return (a, nil) }
        guard let out = Int8BroadcastPlan.outputShape(a, b) else {
            throw fail("\(c.f).inputs", c.inputs, "shapes do not chain: \(c.L.op) needs equal shapes or shapes that broadcast (aligned on the right, each dimension equal or 1), got \(a) and \(b)")
        }
        _ = try count("\(c.f).outputShape", out)
        return (out, Int8BroadcastPlan(a: a, b: b))
    }

    /// max |x - Z| over the static range of tensor t.
    func absBound(_ t: Int) -> Int64 {
        Int64(max(abs(Int(ranges[t].lowerBound) - Int(zps[t])), abs(Int(ranges[t].upperBound) - Int(zps[t]))))
    }

    /// The output rescale (M0, shift) of mean and mul.
    func outputRescale(_ c: Int8LayerContext) throws -> (Int32, Int32) {
        guard let om = c.L.outputMultiplier else { throw fail("\(c.f).outputMultiplier", "absent", "required for op \(c.L.op)") }
        guard let os = c.L.outputShift else { throw fail("\(c.f).outputShift", "absent", "required for op \(c.L.op)") }
        return try scalarRescale("\(c.f).outputMultiplier", om, "\(c.f).outputShift", os)
    }

    /// mean: an [H, W, C] input averaged over H and W; output [1, 1, C] or [C] (TFLite keep_dims true or false);
    /// no activation; n = H * W <= 2^23; the rescale TFLite derives from (M0, shift) and n must accept |sum - n Z_in|.
    func meanLayer(_ c: Int8LayerContext) throws -> Int8LayerResult {
        let (f, L, xs) = (c.f, c.L, c.xs)
        guard xs.count == 3 else { throw fail("\(f).inputs", c.inputs, "mean needs an [H, W, C] input, tensor \(c.x) has shape \(xs)") }
        guard c.amin == -128, c.amax == 127 else { throw fail("\(f).activationMin", c.amin, "mean has no activation") }
        let n = xs[0] * xs[1]
        guard n <= Int8Model.maxMeanCount else {
            throw fail("\(f).inputs", c.inputs, "a mean averages at most 2^23 = \(Int8Model.maxMeanCount) elements per channel (H * W = \(n)): its int32 sum could overflow")
        }
        let (m, s) = try outputRescale(c)
        let (dm, ds) = Int8MeanPlan.derive(multiplier: m, shift: s, count: n)
        let bound = c.inAbs * Int64(n)
        guard bound <= rescaleInputLimit(shift: ds) || !checkOverflow else {
            throw fail("\(f).outputShift", s, "the sum of \(n) inputs minus n * Z_in can reach \(bound), beyond the rescale input limit \(rescaleInputLimit(shift: ds)) of the derived shift \(ds) (int32 overflow)")
        }
        let out = L.outputShape == [xs[2]] ? [xs[2]] : [1, 1, xs[2]]
        let plan = Int8MeanPlan(inH: xs[0], inW: xs[1], channels: xs[2], multiplier: m, shift: s, derivedMultiplier: dm, derivedShift: ds)
        return Int8LayerResult(outShape: out, kind: .mean(plan), outRange: -128...127)
    }

    /// mul: two inputs of equal or broadcasting shapes; the product of the zero-point-removed inputs
    /// (|v| <= A_a * A_b <= 65,536) must meet the output rescale's precondition.
    func mulLayer(_ c: Int8LayerContext) throws -> Int8LayerResult {
        let (out, broadcast) = try broadcastShapes(c)
        let (m, s) = try outputRescale(c)
        let bound = absBound(c.inputs[0]) * absBound(c.inputs[1])
        guard bound <= rescaleInputLimit(shift: s) || !checkOverflow else {
            throw fail("\(c.f).outputShift", s, "the product of the inputs can reach \(bound), beyond the rescale input limit \(rescaleInputLimit(shift: s)) (int32 overflow)")
        }
        let plan = Int8MulPlan(count: out.reduce(1, *), outputMultiplier: m, outputShift: s, broadcast: broadcast)
        return Int8LayerResult(outShape: out, kind: .mul(plan), outRange: Int32(c.amin)...Int32(c.amax))
    }

    /// concatenation: inputs of equal rank whose dimensions agree except along `axis`; every input's zero point
    /// equals outputZeroPoint (TFLite's int8 kernel requires equal quantization: the op copies); no activation.
    func concatenationLayer(_ c: Int8LayerContext) throws -> Int8LayerResult {
        let (f, L, xs) = (c.f, c.L, c.xs)
        guard c.amin == -128, c.amax == 127 else { throw fail("\(f).activationMin", c.amin, "concatenation has no activation") }
        guard let axis = L.axis else { throw fail("\(f).axis", "absent", "required for op concatenation") }
        try requireRange("\(f).axis", axis, 0...(xs.count - 1), "axis")
        var out = xs
        out[axis] = 0
        var sizes: [Int] = []
        var lo = Int32.max, hi = Int32.min
        for (k, t) in c.inputs.enumerated() {
            let s = shapes[t]
            guard s.count == xs.count, s.indices.allSatisfy({ $0 == axis || s[$0] == xs[$0] }) else {
                throw fail("\(f).inputs[\(k)]", t, "shapes do not chain: tensor \(t) has shape \(s); concatenation along axis \(axis) needs \(xs) except in that dimension")
            }
            guard Int(zps[t]) == L.outputZeroPoint else {
                throw fail("\(f).outputZeroPoint", L.outputZeroPoint, "concatenation keeps its inputs' quantization: tensor \(t) has zero point \(zps[t])")
            }
            sizes.append(s[axis]); out[axis] += s[axis]
            lo = min(lo, ranges[t].lowerBound); hi = max(hi, ranges[t].upperBound)
        }
        _ = try count("\(f).outputShape", out)
        let plan = Int8ConcatenationPlan(axis: axis, outer: xs[..<axis].reduce(1, *), inner: xs[(axis + 1)...].reduce(1, *),
                                         axisSizes: sizes, outShape: out)
        return Int8LayerResult(outShape: out, kind: .concatenation(plan), outRange: lo...hi)
    }
}
