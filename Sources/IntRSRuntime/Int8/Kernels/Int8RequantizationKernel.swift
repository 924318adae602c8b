import CIntRSKernels
import IntRSCore

/// The requantisation of one layer's accumulators, per output channel:
/// out[c] = clamp(Z_out + clamp(rescale_c(acc[c] + bias[c]), -512, 512), act_min, act_max), where rescale_c
/// is `FastInt8Rescale.double` or `.single` with (M0[c], shift[c]). Equals `FastInt8Kernels.requantize` (and so
/// the reference's requantisation) channel by channel; the clamp to [-512, 512] changes nothing after the
/// final clamp but keeps the zero-point addition inside int32.
///
/// The per-channel arrays are padded to a multiple of 8 channels (bias 0, M0 2^30, shift 0) because the
/// AVX2 path reads 8 channels at a time.
struct Int8RequantizationKernel: Sendable {
    let bias: [Int32]
    let multiplier: [Int32]
    let shift: [Int32]
    /// max(shift, 0): the left shift before SRDHM (double rounding).
    let left: [Int32]
    /// max(-shift, 0): the RoundingDivideByPOT exponent (double rounding).
    let right: [Int32]
    let zeroOut: Int32
    let activationMin: Int32
    let activationMax: Int32
    let doubleRounding: Bool

    init(bias: [Int32], multiplier: [Int32], shift: [Int32], zeroOut: Int32, activationMin: Int32,
         activationMax: Int32, rounding: RescaleRounding) {
        let n = multiplier.count, padded = (n + 7) & ~7
        func pad(_ a: [Int32], _ v: Int32) -> [Int32] { a + [Int32](repeating: v, count: padded - a.count) }
        self.bias = pad(bias, 0)
        self.multiplier = pad(multiplier, 1 << 30)
        self.shift = pad(shift, 0)
        left = self.shift.map { max($0, 0) }
        right = self.shift.map { max(-$0, 0) }
        self.zeroOut = zeroOut
        self.activationMin = activationMin
        self.activationMax = activationMax
        doubleRounding = rounding == .double
    }

    /// Calls `body` with the C view (valid only inside `body`).
    func withC<R>(_ body: (UnsafePointer<intrs_requant>) -> R) -> R {
        bias.withUnsafeBufferPointer { b in
        multiplier.withUnsafeBufferPointer { m in
        shift.withUnsafeBufferPointer { s in
        left.withUnsafeBufferPointer { l in
        right.withUnsafeBufferPointer { r in
            var rq = intrs_requant(bias: b.baseAddress, multiplier: m.baseAddress, shift: s.baseAddress, left: l.baseAddress,
                                   right: r.baseAddress, zero_out: zeroOut, act_min: activationMin, act_max: activationMax,
                                   double_rounding: doubleRounding ? 1 : 0)
            return withUnsafePointer(to: &rq) { body($0) }
        } } } } }
    }
}
