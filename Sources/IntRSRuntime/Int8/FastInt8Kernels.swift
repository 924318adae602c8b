import CIntRSKernels
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

    /// Equals `ReferenceInt8Ops.add` elementwise over `count` values (same shapes), on every kernel path
    /// (CIntRSKernels `intrs_add`: 8 values at a time with the path's lane-wise rescale). Every path gives
    /// the same bytes; callers without an evaluator's path get the process-wide one.
    static func add(_ p: Int8AddPlan, a: UnsafePointer<Int8>, b: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>,
                    count: Int, common c: FastLayerCommon, double: Bool, path: Int8KernelPath = .selected) {
        var params = intrs_add_params(zero_a: c.inputZeroPoint, zero_b: c.secondZeroPoint, left_shift: p.leftShift,
                                      multiplier_a: p.inputMultipliers[0], shift_a: p.inputShifts[0],
                                      multiplier_b: p.inputMultipliers[1], shift_b: p.inputShifts[1],
                                      multiplier_out: p.outputMultiplier, shift_out: p.outputShift,
                                      zero_out: c.outputZeroPoint, act_min: c.activationMin, act_max: c.activationMax,
                                      double_rounding: double ? 1 : 0)
        intrs_add(path.c, &params, a, b, output, count)
    }
}
