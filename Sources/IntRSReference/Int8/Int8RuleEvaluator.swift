import IntRSCore

/// Errors of the rule-parameterised evaluator.
public enum Int8RuleError: Error, CustomStringConvertible, Equatable {
    /// The rule says nothing about this op (e.g. a float rule and `add`, whose float requantization differs
    /// from runtime to runtime).
    case notDefined(rule: String, op: String, layer: Int)
    /// An accumulator or requantization input outside the rule's domain (int32 overflow, TOSA precondition).
    case outOfDomain(rule: String, layer: Int, element: Int, value: String)
    case inputCount(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .notDefined(let r, let op, let l): return "layer \(l): rule \(r) is not defined for op \(op)"
        case .outOfDomain(let r, let l, let e, let v): return "layer \(l), element \(e): value \(v) is outside the domain of rule \(r)"
        case .inputCount(let e, let g): return "expected \(e) input values, got \(g)"
        }
    }
}

/// The int8 reference evaluator with the requantization rule as a parameter: what a runtime following `rule`
/// computes for every layer. Conv2D, DepthwiseConv2D and FullyConnected requantize with `rule` and the
/// plan's per-channel parameters; pools, reshape and flatten are rule-independent (TFLite reference
/// semantics, `ReferenceInt8Ops`); Add is defined for the two TOSA rules (with the plan's parameters: the model's,
/// or with a `.fromScales` plan those LiteRT derives from the scales) and
/// `notDefined` for the others; mean likewise; mul for every rule (the product of the offsets is requantized as
/// an accumulator, the float rules with the scales S_a, S_b, S_out in the roles S_in, S_w, S_out). With `.doubleRounding` / `.singleRounding` and a `.model` plan this equals
/// `ReferenceInt8Evaluator` on a model of that rounding (tested).
public enum Int8RuleEvaluator {
    /// The element context of a requantizing layer: the accumulator and channel of every output element.
    public struct LayerTrace: Sendable {
        public var output: [Int]
        /// Accumulator per output element (nil for layers that do not requantize an accumulator).
        public var accumulators: [Int]?
        /// Output channel per element (nil likewise).
        public var channels: [Int]?
    }

    /// One layer, from the tensors it reads (all earlier tensors, tensor 0 the quantized input).
    public static func evaluateLayer(_ net: Int8Network, _ L: Int8NetworkLayer, tensors t: [[Int]],
                                     rule: Int8RequantizationRule, plan: Int8RequantizationPlan) throws -> LayerTrace {
        let x = t[L.inputs[0]]
        let z = Int(net.tensorZeroPoints[L.inputs[0]]), zo = Int(L.outputZeroPoint)
        func requantize(_ acc: [Int], channelOf: (Int) -> Int) throws -> LayerTrace {
            var out = [Int](repeating: 0, count: acc.count), ch = [Int](repeating: 0, count: acc.count)
            for e in acc.indices {
                let c = channelOf(e)
                ch[e] = c
                guard acc[e] >= Int(Int32.min), acc[e] <= Int(Int32.max),
                      let r = Int8Requantization.apply(rule, acc[e], plan.channels[L.index][c]) else {
                    throw Int8RuleError.outOfDomain(rule: rule.rawValue, layer: L.index, element: e, value: "\(acc[e])")
                }
                out[e] = min(max(zo + r, Int(L.activationMin)), Int(L.activationMax))
            }
            return LayerTrace(output: out, accumulators: acc, channels: ch)
        }
        switch L.kind {
        case .conv(let p):
            return try requantize(ReferenceInt8Accumulators.conv(p, input: x, inputZeroPoint: z)) { $0 % p.outC }
        case .fullyConnected(let p):
            return try requantize(ReferenceInt8Accumulators.fullyConnected(p, input: x, inputZeroPoint: z)) { $0 }
        case .add(let p):
            guard rule == .doubleRounding || rule == .singleRounding else {
                throw Int8RuleError.notDefined(rule: rule.rawValue, op: L.op, layer: L.index)
            }
            let out = try ReferenceInt8Ops.broadcastAdd(plan.add[L.index] ?? p, a: x, b: t[L.inputs[1]], zeroPointA: z, zeroPointB: Int(net.tensorZeroPoints[L.inputs[1]]),
                                               outputZeroPoint: zo, activationMin: L.activationMin, activationMax: L.activationMax,
                                               rounding: rule == .doubleRounding ? .double : .single, layer: L.index)
            return LayerTrace(output: out, accumulators: nil, channels: nil)
        case .averagePool(let p):
            return LayerTrace(output: try ReferenceInt8Ops.pool(p, max: false, input: x, activationMin: L.activationMin,
                                                                activationMax: L.activationMax, layer: L.index), accumulators: nil, channels: nil)
        case .maxPool(let p):
            return LayerTrace(output: try ReferenceInt8Ops.pool(p, max: true, input: x, activationMin: L.activationMin,
                                                                activationMax: L.activationMax, layer: L.index), accumulators: nil, channels: nil)
        case .reshape:
            return LayerTrace(output: x, accumulators: nil, channels: nil)
        case .pad(let p):
            // No requantization: the same under every rule.
            return LayerTrace(output: ReferenceInt8Ops.pad(p, input: x, zeroPoint: z), accumulators: nil, channels: nil)
        case .mean(let p):
            // TFLite's integer mean (its own derived multiplier), defined for the two TOSA rules as add is.
            guard rule == .doubleRounding || rule == .singleRounding else {
                throw Int8RuleError.notDefined(rule: rule.rawValue, op: L.op, layer: L.index)
            }
            return LayerTrace(output: try ReferenceInt8Ops.mean(plan.mean[L.index] ?? p, input: x, inputZeroPoint: z, outputZeroPoint: zo,
                                                                rounding: rule == .doubleRounding ? .double : .single, layer: L.index),
                              accumulators: nil, channels: nil)
        case .mul(let p):
            guard rule == .doubleRounding || rule == .singleRounding else {
                // The other rules: the product v = (x_a - Z_a)(x_b - Z_b) is the accumulator, requantized with the
                // plan's (M0, shift) (exact rules) or with the float32 scales in the roles S_in = S_a, S_w = S_b,
                // S_out (float rules: float32-half-even is rint(float(v) * (S_a * S_b / S_out in binary32)), an
                // fp32 requantisation of the product as XNNPACK's qs8 vmul kernels do it).
                let q = plan.mul[L.index] ?? p
                let ch = Int8ChannelRequantization(multiplier: Int(q.outputMultiplier), shift: Int(q.outputShift),
                                                   scales: Int8ChannelScales(input: plan.tensorScales[L.inputs[0]], filter: plan.tensorScales[L.inputs[1]],
                                                                             output: plan.tensorScales[L.index + 1]))
                let b = t[L.inputs[1]], zb = Int(net.tensorZeroPoints[L.inputs[1]])
                let pairs = ReferenceInt8Ops.operandPairs(q.broadcast, count: q.count)
                var out = [Int](repeating: 0, count: q.count), acc = out
                for e in 0..<q.count {
                    acc[e] = (x[pairs[e].0] - z) * (b[pairs[e].1] - zb)
                    guard let r = Int8Requantization.apply(rule, acc[e], ch) else {
                        throw Int8RuleError.outOfDomain(rule: rule.rawValue, layer: L.index, element: e, value: "\(acc[e])")
                    }
                    out[e] = min(max(zo + r, Int(L.activationMin)), Int(L.activationMax))
                }
                return LayerTrace(output: out, accumulators: nil, channels: nil)
            }
            let out = try ReferenceInt8Ops.mul(plan.mul[L.index] ?? p, a: x, b: t[L.inputs[1]], zeroPointA: z, zeroPointB: Int(net.tensorZeroPoints[L.inputs[1]]),
                                               outputZeroPoint: zo, activationMin: L.activationMin, activationMax: L.activationMax,
                                               rounding: rule == .doubleRounding ? .double : .single, layer: L.index)
            return LayerTrace(output: out, accumulators: nil, channels: nil)
        case .concatenation(let p):
            // A copy: the same under every rule.
            return LayerTrace(output: ReferenceInt8Ops.concatenation(p, inputs: L.inputs.map { t[$0] }), accumulators: nil, channels: nil)
        }
    }

    /// Every tensor of the network under `rule`, from the QUANTIZED int8 input (tensor 0).
    public static func evaluate(_ net: Int8Network, quantizedInput: [Int], rule: Int8RequantizationRule,
                                plan: Int8RequantizationPlan) throws -> [[Int]] {
        guard quantizedInput.count == net.inputCount else { throw Int8RuleError.inputCount(expected: net.inputCount, got: quantizedInput.count) }
        if let k = quantizedInput.firstIndex(where: { $0 < -128 || $0 > 127 }) {
            throw Int8RuleError.outOfDomain(rule: rule.rawValue, layer: -1, element: k, value: "input \(quantizedInput[k]) (not int8)")
        }
        var t = [quantizedInput]
        for L in net.layers { t.append(try evaluateLayer(net, L, tensors: t, rule: rule, plan: plan).output) }
        return t
    }

    /// The quantized input tensor of a grid input (the model's input stage).
    public static func quantize(_ net: Int8Network, grid: [Int]) -> [Int] {
        grid.map { ReferenceInt8Ops.quantizeInput($0, zeroPoint: net.input.zeroPoint, gridMultiplier: net.input.gridMultiplier) }
    }
}
