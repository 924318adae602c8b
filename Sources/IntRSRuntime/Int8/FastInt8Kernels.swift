import IntRSCore

/// The int8 kernels of `FastInt8Evaluator` still written in Swift (conv2d, depthwise, fullyConnected and the
/// pools run in CIntRSKernels: Kernels/). Each names the reference function (IntRSReference,
/// `ReferenceInt8Ops`) it equals.
enum FastInt8Kernels {
    /// Requantization of one accumulator: clamp(Z_out + rescale(acc)) with `FastInt8Rescale`. The rescale
    /// result is first limited to [-512, 512], which changes nothing after the clamp to [-128, 127] but
    /// keeps the zero-point addition inside int32.
    @inline(__always)
    static func requantize(_ acc: Int32, _ m: Int32, _ s: Int32, _ c: FastLayerCommon, double: Bool) -> Int8 {
        let r = double ? FastInt8Rescale.double(acc, multiplier: m, shift: s) : FastInt8Rescale.single(acc, multiplier: m, shift: s)
        let v = min(max(r, -512), 512) &+ c.outputZeroPoint
        return Int8(truncatingIfNeeded: min(max(v, c.activationMin), c.activationMax))
    }

    /// Equals `ReferenceInt8Ops.add` elementwise over `count` values.
    static func add(_ p: Int8AddPlan, a: UnsafePointer<Int8>, b: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>,
                    count: Int, common c: FastLayerCommon, double: Bool) {
        let za = c.inputZeroPoint, zb = c.secondZeroPoint, ls = p.leftShift
        let m0 = p.inputMultipliers[0], s0 = p.inputShifts[0], m1 = p.inputMultipliers[1], s1 = p.inputShifts[1]
        for e in 0..<count {
            let va = (Int32(a[e]) &- za) &<< ls, vb = (Int32(b[e]) &- zb) &<< ls
            let ra = double ? FastInt8Rescale.double(va, multiplier: m0, shift: s0) : FastInt8Rescale.single(va, multiplier: m0, shift: s0)
            let rb = double ? FastInt8Rescale.double(vb, multiplier: m1, shift: s1) : FastInt8Rescale.single(vb, multiplier: m1, shift: s1)
            output[e] = requantize(ra &+ rb, p.outputMultiplier, p.outputShift, c, double: double)
        }
    }
}
