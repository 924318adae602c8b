import IntRSCore

/// The result of a reference evaluation: every tensor (tensor 0 is the quantized input), the logits
/// (the last tensor) and the class (ArgMax, lowest index on ties).
public struct ReferenceInt8Evaluation: Sendable, Equatable {
    public var tensors: [[Int]]
    public var logits: [Int] { tensors[tensors.count - 1] }
    public var classIndex: Int { ReferenceInt8Ops.argMax(logits) }
}

/// The reference int8 evaluator: the plain definition, slow, exact; rejects any int32 overflow.
public enum ReferenceInt8Evaluator {
    /// Evaluates one input given as grid values in the row-major order of `input.shape`.
    public static func evaluate(_ net: Int8Network, grid: [Int]) throws -> ReferenceInt8Evaluation {
        guard grid.count == net.inputCount else { throw ReferenceInt8Error.inputCount(expected: net.inputCount, got: grid.count) }
        let zi = net.input.zeroPoint, gm = net.input.gridMultiplier
        var t: [[Int]] = [grid.map { ReferenceInt8Ops.quantizeInput($0, zeroPoint: zi, gridMultiplier: gm) }]
        for L in net.layers {
            let x = t[L.inputs[0]]
            let z = Int(net.tensorZeroPoints[L.inputs[0]]), zo = Int(L.outputZeroPoint)
            let out: [Int]
            switch L.kind {
            case .conv(let p):
                out = try ReferenceInt8Ops.conv(p, input: x, inputZeroPoint: z, outputZeroPoint: zo, activationMin: L.activationMin,
                                                activationMax: L.activationMax, rounding: net.rounding, layer: L.index)
            case .fullyConnected(let p):
                out = try ReferenceInt8Ops.fullyConnected(p, input: x, inputZeroPoint: z, outputZeroPoint: zo, activationMin: L.activationMin,
                                                          activationMax: L.activationMax, rounding: net.rounding, layer: L.index)
            case .add(let p):
                out = try ReferenceInt8Ops.broadcastAdd(p, a: x, b: t[L.inputs[1]], zeroPointA: z, zeroPointB: Int(net.tensorZeroPoints[L.inputs[1]]),
                                               outputZeroPoint: zo, activationMin: L.activationMin, activationMax: L.activationMax,
                                               rounding: net.rounding, layer: L.index)
            case .averagePool(let p):
                out = try ReferenceInt8Ops.pool(p, max: false, input: x, activationMin: L.activationMin, activationMax: L.activationMax, layer: L.index)
            case .maxPool(let p):
                out = try ReferenceInt8Ops.pool(p, max: true, input: x, activationMin: L.activationMin, activationMax: L.activationMax, layer: L.index)
            case .reshape:
                out = x
            case .pad(let p):
                out = ReferenceInt8Ops.pad(p, input: x, zeroPoint: z)
            case .mean(let p):
                out = try ReferenceInt8Ops.mean(p, input: x, inputZeroPoint: z, outputZeroPoint: zo, rounding: net.rounding, layer: L.index)
            case .mul(let p):
                out = try ReferenceInt8Ops.mul(p, a: x, b: t[L.inputs[1]], zeroPointA: z, zeroPointB: Int(net.tensorZeroPoints[L.inputs[1]]),
                                               outputZeroPoint: zo, activationMin: L.activationMin, activationMax: L.activationMax,
                                               rounding: net.rounding, layer: L.index)
            case .concatenation(let p):
                out = ReferenceInt8Ops.concatenation(p, inputs: L.inputs.map { t[$0] })
            }
            t.append(out)
        }
        return ReferenceInt8Evaluation(tensors: t)
    }
}
