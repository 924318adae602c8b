import IntRSCore

/// The executable definition of the ops added for TFLite import (Vectors/model-format.md, "Ops"): mean, mul,
/// concatenation, and broadcasting for add and mul. Plain loops over coordinates on mathematical integers, as
/// `ReferenceInt8Ops`; every int32 intermediate TFLite forms is checked to lie in int32 (rejected otherwise).
extension ReferenceInt8Ops {
    /// The row-major element of an input of shape `s` that output coordinates `o` (of the broadcast output
    /// shape) read: aligned on the right, coordinate 0 along a dimension of size 1.
    static func broadcastIndex(_ o: [Int], inputShape s: [Int]) -> Int {
        let lead = o.count - s.count
        var i = 0
        for d in s.indices { i = i * s[d] + (s[d] == 1 ? 0 : o[lead + d]) }
        return i
    }

    /// Row-major coordinates of element e of shape s.
    static func coordinates(_ e: Int, shape s: [Int]) -> [Int] {
        var c = [Int](repeating: 0, count: s.count), rem = e
        for d in s.indices.reversed() { c[d] = rem % s[d]; rem /= s[d] }
        return c
    }

    /// For each output element: the elements of a and b it reads (equal shapes: the same element).
    static func operandPairs(_ b: Int8BroadcastPlan?, count: Int) -> [(Int, Int)] {
        guard let b else { return (0..<count).map { ($0, $0) } }
        return (0..<count).map { e in
            let o = coordinates(e, shape: b.outShape)
            return (broadcastIndex(o, inputShape: b.aShape), broadcastIndex(o, inputShape: b.bShape))
        }
    }

    /// Add with broadcasting: `add` on the operand pairs.
    public static func broadcastAdd(_ p: Int8AddPlan, a: [Int], b: [Int], zeroPointA za: Int, zeroPointB zb: Int, outputZeroPoint zo: Int,
                                    activationMin lo: Int32, activationMax hi: Int32, rounding: RescaleRounding, layer: Int) throws -> [Int] {
        let pairs = operandPairs(p.broadcast, count: p.count)
        return try add(p, a: pairs.map { a[$0.0] }, b: pairs.map { b[$0.1] }, zeroPointA: za, zeroPointB: zb, outputZeroPoint: zo,
                       activationMin: lo, activationMax: hi, rounding: rounding, layer: layer)
    }

    /// Mul (TFLite reference_integer_ops::Mul / BroadcastMul6DSlow, int8):
    /// v = (x_a - Z_a) * (x_b - Z_b); out = clamp(Z_out + rescale(v; M0, shift)).
    public static func mul(_ p: Int8MulPlan, a: [Int], b: [Int], zeroPointA za: Int, zeroPointB zb: Int, outputZeroPoint zo: Int,
                           activationMin lo: Int32, activationMax hi: Int32, rounding: RescaleRounding, layer: Int) throws -> [Int] {
        let pairs = operandPairs(p.broadcast, count: p.count)
        var out = [Int](repeating: 0, count: p.count)
        for e in 0..<p.count {
            let v = try checkedAccumulator((a[pairs[e].0] - za) * (b[pairs[e].1] - zb), layer: layer, element: e)
            out[e] = clamp(zo + (try checkedRescale(v, p.outputMultiplier, p.outputShift, rounding, layer: layer, element: e)), lo, hi)
        }
        return out
    }

    /// TFLite's rescale of a mean's sum (reduce.h, QuantizedMeanOrSum): k = floor(log2 n), at most 32 and at most
    /// 31 + shift; M' = floor(M0 * 2^k / n), shift' = shift - k. Written out with a loop, independently of
    /// `Int8MeanPlan.derive`.
    public static func meanRescale(multiplier m: Int, shift: Int, count n: Int) -> (multiplier: Int, shift: Int) {
        var k = 0
        while (1 << (k + 1)) <= n { k += 1 }
        k = min(k, 32, 31 + shift)
        return ((m << k) / n, shift - k)
    }

    /// Mean over H and W (TFLite MEAN, int8 reference kernel): per channel c, with n = H * W,
    /// v = (sum over y, x of in[y, x, c]) - n * Z_in, out = clamp(Z_out + rescale(v; M', shift'), -128, 127),
    /// (M', shift') = `meanRescale(M0, shift, n)`. Output in channel order.
    public static func mean(_ p: Int8MeanPlan, input: [Int], inputZeroPoint zi: Int, outputZeroPoint zo: Int,
                            rounding: RescaleRounding, layer: Int) throws -> [Int] {
        let n = p.inH * p.inW
        let (m, s) = meanRescale(multiplier: Int(p.multiplier), shift: Int(p.shift), count: n)
        var out = [Int](repeating: 0, count: p.channels)
        for c in 0..<p.channels {
            var sum = 0
            for y in 0..<p.inH { for x in 0..<p.inW { sum += input[(y * p.inW + x) * p.channels + c] } }
            _ = try checkedAccumulator(sum, layer: layer, element: c)
            let v = try checkedAccumulator(sum - n * zi, layer: layer, element: c)
            guard let r = ReferenceInt8Rescale.applyScale32(value: v, multiplier: m, shift: 31 - s, doubleRound: rounding == .double) else {
                throw ReferenceInt8Error.rescalePrecondition(layer: layer, element: c, value: "\(v)", shift: s)
            }
            out[c] = clamp(zo + r, -128, 127)
        }
        return out
    }

    /// Concatenation along `axis`: output coordinates with c[axis] in the k-th input's slice read that input at
    /// c[axis] minus the sizes of the inputs before it.
    public static func concatenation(_ p: Int8ConcatenationPlan, inputs: [[Int]]) -> [Int] {
        let total = p.outShape.reduce(1, *)
        var out = [Int](repeating: 0, count: total)
        for e in 0..<total {
            var c = coordinates(e, shape: p.outShape)
            var k = 0
            while c[p.axis] >= p.axisSizes[k] { c[p.axis] -= p.axisSizes[k]; k += 1 }
            var s = p.outShape
            s[p.axis] = p.axisSizes[k]
            var i = 0
            for d in s.indices { i = i * s[d] + c[d] }
            out[e] = inputs[k][i]
        }
        return out
    }
}
