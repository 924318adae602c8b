import IntRSCore

/// The fast forms of the ops added for TFLite import, in plain Swift: broadcasting add, mul (with or without
/// broadcasting), mean over H and W, and concatenation. Each equals the reference function named on its case
/// (IntRSReference, `ReferenceInt8Ops`) on every input of a validated network: the validator's static bounds
/// (model-format.md, "Static overflow check") keep every int32 intermediate exact.
enum FastExtraOp: Sendable {
    /// Equals `ReferenceInt8Ops.broadcastAdd`: the operands are gathered through the plan's index maps, then
    /// `FastInt8Kernels.add` runs on them.
    case broadcastAdd(Int8AddPlan, Int8BroadcastPlan)
    /// Equals `ReferenceInt8Ops.mul`.
    case mul(Int8MulPlan)
    /// Equals `ReferenceInt8Ops.mean`.
    case mean(Int8MeanPlan)
    /// Equals `ReferenceInt8Ops.concatenation`.
    case concatenation(Int8ConcatenationPlan)

    /// The op of a layer that runs here (nil for the others).
    init?(_ kind: Int8NetworkLayer.Kind) {
        switch kind {
        case .add(let p): guard let b = p.broadcast else { return nil }; self = .broadcastAdd(p, b)
        case .mul(let p): self = .mul(p)
        case .mean(let p): self = .mean(p)
        case .concatenation(let p): self = .concatenation(p)
        default: return nil
        }
    }

    /// Runs the op on the n items of a chunk: tensor t of item b is at `tensors + offsets[t] + b * sizes[t]`.
    func run(tensors: UnsafeMutablePointer<Int8>, offsets: UnsafeBufferPointer<Int>, sizes: [Int], n: Int,
             common c: FastLayerCommon, double: Bool) {
        let out = tensors + offsets[c.output], outSize = sizes[c.output]
        func input(_ k: Int, _ b: Int) -> UnsafeMutablePointer<Int8> { tensors + offsets[c.inputs[k]] + b * sizes[c.inputs[k]] }
        switch self {
        case .broadcastAdd(let p, let map):
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: 2 * p.count) { scratch in
                let a = scratch.baseAddress!, bb = a + p.count
                for b in 0..<n {
                    let xa = input(0, b), xb = input(1, b)
                    for e in 0..<p.count { a[e] = xa[Int(map.aIndex[e])]; bb[e] = xb[Int(map.bIndex[e])] }
                    FastInt8Kernels.add(p, a: a, b: bb, output: out + b * outSize, count: p.count, common: c, double: double)
                }
            }
        case .mul(let p):
            let za = c.inputZeroPoint, zb = c.secondZeroPoint
            for b in 0..<n {
                let xa = input(0, b), xb = input(1, b), y = out + b * outSize
                for e in 0..<p.count {
                    let ia = p.broadcast.map { Int($0.aIndex[e]) } ?? e, ib = p.broadcast.map { Int($0.bIndex[e]) } ?? e
                    // |v| <= 256 * 256: exact in int32.
                    let v = (Int32(xa[ia]) &- za) &* (Int32(xb[ib]) &- zb)
                    y[e] = FastInt8Kernels.requantize(v, p.outputMultiplier, p.outputShift, c, double: double)
                }
            }
        case .mean(let p):
            // TFLite's derived (M', shift'), M' in [0, 2^31) (below 2^30 in general): FastInt8Rescale's formulas equal
            // apply_scale_32 for every M' in [0, 2^31) (Proofs/int8-rescale.md, "MEAN"; FastTFLiteOpsTests).
            let hw = p.inH * p.inW
            let offset = Int32(hw) &* c.inputZeroPoint
            for b in 0..<n {
                let x = input(0, b), y = out + b * outSize
                for ch in 0..<p.channels {
                    var sum: Int32 = 0
                    for i in 0..<hw { sum &+= Int32(x[i * p.channels + ch]) }
                    y[ch] = FastInt8Kernels.requantize(sum &- offset, p.derivedMultiplier, p.derivedShift, c, double: double)
                }
            }
        case .concatenation(let p):
            for b in 0..<n {
                var dst = out + b * outSize
                for k in 0..<p.outer {
                    for (i, s) in p.axisSizes.enumerated() {
                        let block = s * p.inner
                        dst.update(from: input(i, b) + k * block, count: block)
                        dst += block
                    }
                }
            }
        }
    }
}
