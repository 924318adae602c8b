import IntRSCore

/// The int8 kernels of `FastInt8Evaluator`, one item at a time (fully connected: a chunk of items).
/// Each names the reference function (IntRSReference, `Int8ReferenceOps`) it equals.
enum FastInt8Kernels {
    /// Requantization of one accumulator: clamp(Z_out + rescale(acc)) with `FastRescale`. The rescale
    /// result is first limited to [-512, 512], which changes nothing after the clamp to [-128, 127] but
    /// keeps the zero-point addition inside int32.
    @inline(__always)
    static func requantize(_ acc: Int32, _ m: Int32, _ s: Int32, _ c: FastLayerCommon, double: Bool) -> Int8 {
        let r = double ? FastRescale.double(acc, multiplier: m, shift: s) : FastRescale.single(acc, multiplier: m, shift: s)
        let v = min(max(r, -512), 512) &+ c.outputZeroPoint
        return Int8(truncatingIfNeeded: min(max(v, c.activationMin), c.activationMax))
    }

    /// Equals `Int8ReferenceOps.conv` for a non-depthwise plan: im2col of one output pixel into an int16
    /// patch of (x - Z_in) in OHWI tap order (0 for taps outside the image, the same as skipping them),
    /// then the channel-blocked accumulation (`BlockedConvWeights.accumulate`) and one requantization per
    /// output channel.
    static func conv(_ p: Int8ConvPlan, blocked: BlockedConvWeights, input: UnsafePointer<Int8>,
                     output: UnsafeMutablePointer<Int8>, common c: FastLayerCommon, patch: UnsafeMutablePointer<Int16>,
                     acc: UnsafeMutablePointer<Int32>, double: Bool) {
        let zi = Int16(c.inputZeroPoint)
        let inC = p.inC
        patch.update(repeating: 0, count: 2 * blocked.kPairs)
        p.bias.withUnsafeBufferPointer { bias in
        p.multiplier.withUnsafeBufferPointer { mult in
        p.shift.withUnsafeBufferPointer { shift in
            var o = output
            for oy in 0..<p.outH {
                for ox in 0..<p.outW {
                    var dst = patch
                    for ky in 0..<p.kernelH {
                        let iy = oy * p.strideH - p.padTop + ky * p.dilationH
                        let rowInside = iy >= 0 && iy < p.inH
                        for kx in 0..<p.kernelW {
                            let ix = ox * p.strideW - p.padLeft + kx * p.dilationW
                            if rowInside && ix >= 0 && ix < p.inW {
                                let src = input + (iy * p.inW + ix) * inC
                                for i in 0..<inC { dst[i] = Int16(src[i]) &- zi }
                            } else {
                                for i in 0..<inC { dst[i] = 0 }
                            }
                            dst += inC
                        }
                    }
                    blocked.accumulate(patch: patch, acc: acc)
                    for oc in 0..<p.outC {
                        o[oc] = requantize(bias[oc] &+ acc[oc], mult[oc], shift[oc], c, double: double)
                    }
                    o += p.outC
                }
            }
        } } }
    }

    /// Equals `Int8ReferenceOps.conv` for a depthwise plan: int32 accumulators per output channel,
    /// vectorized over channels, filter [1, KH, KW, C * multiplier] widened to int32.
    static func depthwise(_ p: Int8ConvPlan, weights: UnsafePointer<Int32>, input: UnsafePointer<Int8>,
                          output: UnsafeMutablePointer<Int8>, common c: FastLayerCommon, acc: UnsafeMutablePointer<Int32>, double: Bool) {
        let zi = Int32(c.inputZeroPoint)
        let oc = p.outC, m = p.depthMultiplier
        p.bias.withUnsafeBufferPointer { bias in
        p.multiplier.withUnsafeBufferPointer { mult in
        p.shift.withUnsafeBufferPointer { shift in
            var o = output
            for oy in 0..<p.outH {
                for ox in 0..<p.outW {
                    for j in 0..<oc { acc[j] = bias[j] }
                    for ky in 0..<p.kernelH {
                        let iy = oy * p.strideH - p.padTop + ky * p.dilationH
                        if iy < 0 || iy >= p.inH { continue }
                        for kx in 0..<p.kernelW {
                            let ix = ox * p.strideW - p.padLeft + kx * p.dilationW
                            if ix < 0 || ix >= p.inW { continue }
                            let src = input + (iy * p.inW + ix) * p.inC
                            let w = weights + (ky * p.kernelW + kx) * oc
                            if m == 1 {
                                for j in 0..<oc { acc[j] &+= w[j] &* (Int32(src[j]) &- zi) }
                            } else {
                                for j in 0..<oc { acc[j] &+= w[j] &* (Int32(src[j / m]) &- zi) }
                            }
                        }
                    }
                    for j in 0..<oc { o[j] = requantize(acc[j], mult[j], shift[j], c, double: double) }
                    o += oc
                }
            }
        } } }
    }

    /// Equals `Int8ReferenceOps.fullyConnected` for each of n items: the items' (x - Z_in) rows are
    /// widened into the patch buffer, then each weight row is applied to all n items while it is in cache.
    static func fullyConnected(_ p: Int8FullyConnectedPlan, kPadded kp: Int, weights: UnsafePointer<Int16>,
                               input: UnsafePointer<Int8>, inputStride: Int, output: UnsafeMutablePointer<Int8>, n: Int,
                               common c: FastLayerCommon, patch: UnsafeMutablePointer<Int16>, double: Bool) {
        let zi = Int16(c.inputZeroPoint)
        for b in 0..<n {
            let src = input + b * inputStride, dst = patch + b * kp
            for i in 0..<p.inCount { dst[i] = Int16(src[i]) &- zi }
            for i in p.inCount..<kp { dst[i] = 0 }
        }
        p.bias.withUnsafeBufferPointer { bias in
        p.multiplier.withUnsafeBufferPointer { mult in
        p.shift.withUnsafeBufferPointer { shift in
            for o in 0..<p.outCount {
                let w = weights + o * kp
                for b in 0..<n {
                    let a = bias[o] &+ FastKernels.dot(patch + b * kp, w, kp)
                    output[b * p.outCount + o] = requantize(a, mult[o], shift[o], c, double: double)
                }
            }
        } } }
    }

    /// Equals `Int8ReferenceOps.add` elementwise over `count` values.
    static func add(_ p: Int8AddPlan, a: UnsafePointer<Int8>, b: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>,
                    count: Int, common c: FastLayerCommon, double: Bool) {
        let za = c.inputZeroPoint, zb = c.secondZeroPoint, ls = p.leftShift
        let m0 = p.inputMultipliers[0], s0 = p.inputShifts[0], m1 = p.inputMultipliers[1], s1 = p.inputShifts[1]
        for e in 0..<count {
            let va = (Int32(a[e]) &- za) &<< ls, vb = (Int32(b[e]) &- zb) &<< ls
            let ra = double ? FastRescale.double(va, multiplier: m0, shift: s0) : FastRescale.single(va, multiplier: m0, shift: s0)
            let rb = double ? FastRescale.double(vb, multiplier: m1, shift: s1) : FastRescale.single(vb, multiplier: m1, shift: s1)
            output[e] = requantize(ra &+ rb, p.outputMultiplier, p.outputShift, c, double: double)
        }
    }

    /// Equals `Int8ReferenceOps.pool`: valid-tap average rounded half away from zero, or max; then the clamp.
    static func pool(_ p: Int8PoolPlan, max isMax: Bool, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>,
                     common c: FastLayerCommon) {
        let C = p.channels
        for oy in 0..<p.outH {
            let y0 = oy * p.strideH - p.padTop
            let ky0 = max(0, -y0), ky1 = min(p.poolH, p.inH - y0)
            for ox in 0..<p.outW {
                let x0 = ox * p.strideW - p.padLeft
                let kx0 = max(0, -x0), kx1 = min(p.poolW, p.inW - x0)
                let o = output + (oy * p.outW + ox) * C
                let count = Int32((ky1 - ky0) * (kx1 - kx0))
                for ch in 0..<C {
                    var sum: Int32 = 0, best: Int32 = -128
                    for ky in ky0..<ky1 {
                        for kx in kx0..<kx1 {
                            let x = Int32(input[((y0 + ky) * p.inW + x0 + kx) * C + ch])
                            sum &+= x; best = Swift.max(best, x)
                        }
                    }
                    let v: Int32
                    if isMax { v = best } else { v = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count }
                    o[ch] = Int8(truncatingIfNeeded: Swift.min(Swift.max(v, c.activationMin), c.activationMax))
                }
            }
        }
    }
}
