import IntRSCore

/// The float32 baseline of the ops added for TFLite import (`FloatEvaluator`): add and mul in real units (with
/// broadcasting through the plans' index maps), the mean over H and W, and concatenation (a copy). Like the
/// rest of the baseline, not bit-exact with anything and never used for a certified decision.
enum FloatExtraOp: Sendable {
    case add(Int8BroadcastPlan)
    case mul(Int, Int8BroadcastPlan?)
    case mean(Int8MeanPlan)
    case concatenation(Int8ConcatenationPlan)

    /// The op of a layer that runs here (nil for the others).
    init?(_ kind: Int8NetworkLayer.Kind) {
        switch kind {
        case .add(let p): guard let b = p.broadcast else { return nil }; self = .add(b)
        case .mul(let p): self = .mul(p.count, p.broadcast)
        case .mean(let p): self = .mean(p)
        case .concatenation(let p): self = .concatenation(p)
        default: return nil
        }
    }

    func run(tensors: UnsafeMutablePointer<Float>, offsets: UnsafeBufferPointer<Int>, sizes: [Int], n: Int, common c: FloatLayerCommon) {
        let out = tensors + offsets[c.output], outSize = sizes[c.output]
        func input(_ k: Int, _ b: Int) -> UnsafeMutablePointer<Float> { tensors + offsets[c.inputs[k]] + b * sizes[c.inputs[k]] }
        for b in 0..<n {
            let y = out + b * outSize
            switch self {
            case .add(let map):
                let xa = input(0, b), xb = input(1, b)
                for e in 0..<outSize { y[e] = FloatEvaluator.activate(xa[Int(map.aIndex[e])] + xb[Int(map.bIndex[e])], c.activation) }
            case .mul(let count, let map):
                let xa = input(0, b), xb = input(1, b)
                for e in 0..<count {
                    let ia = map.map { Int($0.aIndex[e]) } ?? e, ib = map.map { Int($0.bIndex[e]) } ?? e
                    y[e] = FloatEvaluator.activate(xa[ia] * xb[ib], c.activation)
                }
            case .mean(let p):
                let x = input(0, b), hw = p.inH * p.inW
                for ch in 0..<p.channels {
                    var sum: Float = 0
                    for i in 0..<hw { sum += x[i * p.channels + ch] }
                    y[ch] = sum / Float(hw)
                }
            case .concatenation(let p):
                var dst = y
                for k in 0..<p.outer {
                    for (i, s) in p.axisSizes.enumerated() {
                        dst.update(from: input(i, b) + k * s * p.inner, count: s * p.inner)
                        dst += s * p.inner
                    }
                }
            }
        }
    }
}
