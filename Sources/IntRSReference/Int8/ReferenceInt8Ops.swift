import IntRSCore

/// The executable definition of every int8 op (Vectors/model-format.md, "Ops"), on mathematical integers.
///
/// Values are `Int` (64-bit). Exactness: an accumulator is a bias (|b| < 2^31) plus at most 2^24 products
/// of a weight (|w| <= 127) and a zero-point-removed input (|x - Z| <= 255), so |acc| < 2^31 + 2^24 * 2^15
/// < 2^40: no Int operation can overflow. Every accumulator (and every rescale input) is then CHECKED to lie
/// in int32 (resp. TOSA's precondition) and rejected with an error otherwise. Checking only the final
/// value is enough: int32 two's-complement accumulation is exact modulo 2^32, so when the exact sum lies in
/// int32, any order of wrapping int32 additions yields it.
public enum ReferenceInt8Ops {
    /// The input stage: q = clamp(zeroPoint + gridMultiplier * g, -128, 127), exactly (an overflowing
    /// product is saturated by its sign, which the clamp would do anyway).
    public static func quantizeInput(_ g: Int, zeroPoint: Int, gridMultiplier: Int) -> Int {
        let (p, o) = g.multipliedReportingOverflow(by: gridMultiplier)
        if o { return g > 0 ? 127 : -128 }
        let (s, o2) = p.addingReportingOverflow(zeroPoint)
        if o2 { return p > 0 ? 127 : -128 }
        return min(max(s, -128), 127)
    }

    static func clamp(_ x: Int, _ lo: Int32, _ hi: Int32) -> Int { min(max(x, Int(lo)), Int(hi)) }

    static func checkedAccumulator(_ acc: Int, layer: Int, element: Int) throws -> Int {
        guard acc >= Int(Int32.min), acc <= Int(Int32.max) else {
            throw ReferenceInt8Error.accumulatorOverflow(layer: layer, element: element, value: "\(acc)")
        }
        return acc
    }

    static func checkedRescale(_ v: Int, _ m: Int32, _ s: Int32, _ r: RescaleRounding, layer: Int, element: Int) throws -> Int {
        guard let x = ReferenceInt8Rescale.rescale(v, multiplier: m, shift: s, rounding: r) else {
            throw ReferenceInt8Error.rescalePrecondition(layer: layer, element: element, value: "\(v)", shift: Int(s))
        }
        return x
    }

    /// Conv2D and DepthwiseConv2D: acc = bias + sum over in-image taps of w * (x - Z_in)
    /// (`ReferenceInt8Accumulators.conv`); out = clamp(Z_out + rescale_c(acc)). Taps outside the image are
    /// skipped. Elements are checked in order, so the first failing element is the one reported.
    public static func conv(_ p: Int8ConvPlan, input: [Int], inputZeroPoint zi: Int, outputZeroPoint zo: Int,
                            activationMin lo: Int32, activationMax hi: Int32, rounding: RescaleRounding, layer: Int) throws -> [Int] {
        let accs = ReferenceInt8Accumulators.conv(p, input: input, inputZeroPoint: zi)
        var out = [Int](repeating: 0, count: accs.count)
        for e in accs.indices {
            let oc = e % p.outC
            let acc = try checkedAccumulator(accs[e], layer: layer, element: e)
            out[e] = clamp(zo + (try checkedRescale(acc, p.multiplier[oc], p.shift[oc], rounding, layer: layer, element: e)), lo, hi)
        }
        return out
    }

    /// FullyConnected: acc[o] = bias[o] + sum_i w[o, i] * (x[i] - Z_in); out = clamp(Z_out + rescale_o(acc)).
    public static func fullyConnected(_ p: Int8FullyConnectedPlan, input: [Int], inputZeroPoint zi: Int, outputZeroPoint zo: Int,
                                      activationMin lo: Int32, activationMax hi: Int32, rounding: RescaleRounding, layer: Int) throws -> [Int] {
        let accs = ReferenceInt8Accumulators.fullyConnected(p, input: input, inputZeroPoint: zi)
        var out = [Int](repeating: 0, count: p.outCount)
        for o in 0..<p.outCount {
            let acc = try checkedAccumulator(accs[o], layer: layer, element: o)
            out[o] = clamp(zo + (try checkedRescale(acc, p.multiplier[o], p.shift[o], rounding, layer: layer, element: o)), lo, hi)
        }
        return out
    }

    /// Add (TFLite int8): v_k = (x_k - Z_k) * 2^leftShift, r_k = rescale_k(v_k),
    /// out = clamp(Z_out + rescale_out(r_a + r_b)).
    public static func add(_ p: Int8AddPlan, a: [Int], b: [Int], zeroPointA za: Int, zeroPointB zb: Int, outputZeroPoint zo: Int,
                           activationMin lo: Int32, activationMax hi: Int32, rounding: RescaleRounding, layer: Int) throws -> [Int] {
        var out = [Int](repeating: 0, count: p.count)
        for e in 0..<p.count {
            let va = try checkedAccumulator((a[e] - za) << Int(p.leftShift), layer: layer, element: e)
            let vb = try checkedAccumulator((b[e] - zb) << Int(p.leftShift), layer: layer, element: e)
            let ra = try checkedRescale(va, p.inputMultipliers[0], p.inputShifts[0], rounding, layer: layer, element: e)
            let rb = try checkedRescale(vb, p.inputMultipliers[1], p.inputShifts[1], rounding, layer: layer, element: e)
            let sum = try checkedAccumulator(ra + rb, layer: layer, element: e)
            out[e] = clamp(zo + (try checkedRescale(sum, p.outputMultiplier, p.outputShift, rounding, layer: layer, element: e)), lo, hi)
        }
        return out
    }

    /// Round half away from zero of sum / n (n >= 1), as TFLite writes it with truncating division:
    /// sum > 0 ? (sum + n/2) / n : (sum - n/2) / n.
    public static func roundedAverage(sum: Int, count n: Int) -> Int {
        sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n
    }

    /// AveragePool2D (valid-tap averaging, round half away from zero) or MaxPool2D, then the clamp.
    public static func pool(_ p: Int8PoolPlan, max isMax: Bool, input: [Int], activationMin lo: Int32, activationMax hi: Int32,
                            layer: Int) throws -> [Int] {
        var out = [Int](repeating: 0, count: p.outH * p.outW * p.channels)
        for oy in 0..<p.outH {
            for ox in 0..<p.outW {
                for c in 0..<p.channels {
                    var sum = 0, n = 0, best = Int.min
                    for ky in 0..<p.poolH {
                        let iy = oy * p.strideH - p.padTop + ky
                        if iy < 0 || iy >= p.inH { continue }
                        for kx in 0..<p.poolW {
                            let ix = ox * p.strideW - p.padLeft + kx
                            if ix < 0 || ix >= p.inW { continue }
                            let x = input[(iy * p.inW + ix) * p.channels + c]
                            sum += x; n += 1; best = max(best, x)
                        }
                    }
                    let e = (oy * p.outW + ox) * p.channels + c
                    precondition(n >= 1, "TFLite SAME/VALID padding always leaves a valid tap")
                    _ = try checkedAccumulator(sum, layer: layer, element: e)
                    out[e] = clamp(isMax ? best : roundedAverage(sum: sum, count: n), lo, hi)
                }
            }
        }
        return out
    }

    /// Pad (TFLite PAD, int8): out[c] = in[c - before] where that coordinate lies inside the input, else the
    /// zero point `z` (the real value 0). Coordinates are walked directly (the plan's gather map is not used).
    public static func pad(_ p: Int8PadPlan, input: [Int], zeroPoint z: Int) -> [Int] {
        let total = p.outShape.reduce(1, *)
        var out = [Int](repeating: z, count: total)
        let rank = p.outShape.count
        for o in 0..<total {
            // Output coordinates (row-major), then the input coordinates.
            var rem = o, inIndex = 0, inStep = 1, inside = true
            for d in (0..<rank).reversed() {
                let c = rem % p.outShape[d] - p.before[d]
                rem /= p.outShape[d]
                if c < 0 || c >= p.inShape[d] { inside = false; break }
                inIndex += c * inStep
                inStep *= p.inShape[d]
            }
            if inside { out[o] = input[inIndex] }
        }
        return out
    }

    /// ArgMax: the index of the largest value; ties go to the LOWEST index.
    public static func argMax(_ x: [Int]) -> Int {
        var best = 0
        for i in x.indices where x[i] > x[best] { best = i }
        return best
    }
}
