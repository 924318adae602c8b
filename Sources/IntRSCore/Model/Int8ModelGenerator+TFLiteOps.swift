/// Random layers of the ops added for TFLite import, for property tests and vectors: `Int8ModelGenerator.randomModel`
/// produces them only when its `ops` list names them ("mean", "mul", "concatenation", "addBroadcast"), so
/// existing seeds keep their models.
extension Int8ModelGenerator {
    static let tfliteOps: Set<String> = ["mean", "mul", "concatenation", "addBroadcast"]

    /// A clamp named relu_n1_to_1: [Z + round(-1 / S), Z + round(1 / S)] clipped to int8, for a random real scale S
    /// of a few hundredths (TFLite's CalculateActivationRangeQuantized).
    static func reluN1To1(_ r: inout Int8SplitMix64, _ L: inout Int8Layer) {
        let steps = r.int(8...100) // 1 / S
        L.fusedActivation = "relu_n1_to_1"
        L.activationMin = max(-128, L.outputZeroPoint - steps)
        L.activationMax = min(127, L.outputZeroPoint + steps)
    }

    /// The largest shift whose rescale accepts every |v| <= bound (TOSA: |v| <= 2^(30 - shift) - 1).
    static func maxShift(forBound bound: Int64) -> Int { min(29, 30 - log2ceil(bound + 1) - 1) }

    /// Appends the layers of one forced op to `m` (a mean first when a binary op needs a broadcast partner, a pad
    /// first when a concatenation joins unequal sizes), validating after each.
    static func appendTFLiteOp(_ op: String, _ r: inout Int8SplitMix64, _ m: inout Int8Model) {
        var net = try! m.validatedPrefix()
        let t = net.tensorShapes.count - 1
        let xs = net.tensorShapes[t]
        func absBound(_ k: Int) -> Int64 {
            let q = net.tensorRanges[k], z = Int(net.tensorZeroPoints[k])
            return Int64(max(abs(Int(q.lowerBound) - z), abs(Int(q.upperBound) - z)))
        }
        func append(_ L: Int8Layer) { m.layers.append(L); net = try! m.validatedPrefix() }
        func meanLayer(keep: Bool) -> Int8Layer {
            var L = Int8Layer(op: "mean", outputShape: keep ? [1, 1, xs[2]] : [xs[2]], outputZeroPoint: r.int(-128...127))
            L.inputs = [t]
            let n = Int64(xs[0] * xs[1])
            L.outputMultiplier = edgeMultiplier(&r)
            var s = r.pick([0, -1, -2, r.int(-31...6)])
            while true {
                let (_, ds) = Int8MeanPlan.derive(multiplier: Int32(L.outputMultiplier!), shift: Int32(s), count: Int(n))
                if absBound(t) * n <= (Int64(1) << (30 - Int64(ds))) - 1 { break }
                s -= 1
            }
            L.outputShift = s
            return L
        }
        switch op {
        case "mean":
            append(meanLayer(keep: r.chance(50)))
        case "mul", "addBroadcast":
            // The partner: the tensor itself, or (broadcasting) its mean over H and W [1, 1, C], in either order.
            var partner = t
            if op == "addBroadcast" || r.chance(60) { append(meanLayer(keep: true)); partner = t + 1 }
            var L = Int8Layer(op: op == "mul" ? "mul" : "add", outputShape: xs, outputZeroPoint: r.int(-128...127))
            L.inputs = r.chance(50) ? [t, partner] : [partner, t]
            if op == "mul" {
                let bound = absBound(t) * absBound(partner)
                L.outputMultiplier = edgeMultiplier(&r)
                // Real multiplier about 128 / typical |product|, sometimes far off; within the rescale's domain.
                L.outputShift = max(-31, min(maxShift(forBound: bound), 7 - log2ceil(max(1, bound / 4)) + r.int(-3...3)))
                if r.chance(30) { reluN1To1(&r, &L) } else { activation(&r, &L) }
            } else {
                L.leftShift = 20
                L.inputMultipliers = [edgeMultiplier(&r), edgeMultiplier(&r)]
                L.inputShifts = [r.int(-3...0), r.int(-3...0)]
                L.outputMultiplier = edgeMultiplier(&r)
                L.outputShift = max(-31, min(0, -20 + r.int(-2...2)))
                activation(&r, &L)
            }
            append(L)
        case "concatenation":
            // The tensor and a zero-point-padded copy of it, padded along the axis only, in either order.
            let axis = r.int(0...(xs.count - 1))
            var P = Int8Layer(op: "pad", outputShape: [], outputZeroPoint: Int(net.tensorZeroPoints[t]))
            P.pads = xs.indices.map { $0 == axis ? [r.int(0...2), r.int(0...2)] : [0, 0] }
            P.outputShape = zip(xs, P.pads!).map { $0 + $1[0] + $1[1] }
            append(P)
            var L = Int8Layer(op: "concatenation", outputShape: xs, outputZeroPoint: Int(net.tensorZeroPoints[t]))
            L.inputs = r.pick([[t, t + 1], [t + 1, t], [t, t + 1, t]])
            L.axis = axis
            L.outputShape[axis] = L.inputs!.reduce(0) { $0 + net.tensorShapes[$1][axis] }
            append(L)
        default:
            preconditionFailure("not a TFLite op of the generator: \(op)")
        }
    }
}
