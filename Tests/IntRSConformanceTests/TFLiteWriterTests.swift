import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSConformance

/// `TFLiteWriter` (the .tflite files of `intrs vectors export`): every file reads back through `TFLiteImporter`
/// to the same int8 graph, with the multipliers a runtime re-derives from the file's float32 scales
/// (`Int8RequantizationPlan(.fromScales)`), and that graph computes the pack's double-rounding outputs.
@Suite("TFLite writer round trip")
struct TFLiteWriterTests {
    static let vectors = ConformanceTests.vectors

    /// The layer as the importer gives it back: informational fields dropped, defaults made explicit,
    /// multipliers from the plan.
    static func normalized(_ L: Int8Layer, index i: Int, net: Int8Network, plan: Int8RequantizationPlan, imported: Bool) -> Int8Layer {
        var n = Int8Layer(op: L.op == "flatten" ? "reshape" : L.op, outputShape: net.layers[i].outputShape, outputZeroPoint: L.outputZeroPoint)
        n.inputs = L.inputs ?? [i]
        n.activationMin = L.activationMin ?? -128
        n.activationMax = L.activationMax ?? 127
        n.filter = L.filter
        n.padding = L.padding
        n.poolSize = L.poolSize
        n.pads = L.pads
        switch net.layers[i].kind {
        case .conv(let p):
            n.stride = L.stride ?? [1, 1]; n.dilation = L.dilation ?? [1, 1]
            n.depthMultiplier = p.depthwise ? (L.depthMultiplier ?? 1) : nil
            n.bias = L.bias ?? Int8Tensor(int32: [Int32](repeating: 0, count: p.outC), shape: [p.outC])
        case .fullyConnected(let p):
            n.bias = L.bias ?? Int8Tensor(int32: [Int32](repeating: 0, count: p.outCount), shape: [p.outCount])
            n.outputShape = [p.outCount]
        case .averagePool, .maxPool:
            n.stride = L.stride ?? [1, 1]
        default: break
        }
        if !imported {
            if !plan.channels[i].isEmpty {
                n.multiplier = plan.channels[i].map(\.multiplier); n.shift = plan.channels[i].map(\.shift)
            }
            if let a = plan.add[i] {
                n.leftShift = Int(a.leftShift); n.inputMultipliers = a.inputMultipliers.map(Int.init); n.inputShifts = a.inputShifts.map(Int.init)
                n.outputMultiplier = Int(a.outputMultiplier); n.outputShift = Int(a.outputShift)
            }
        } else {
            n.multiplier = L.multiplier; n.shift = L.shift
            n.leftShift = L.leftShift; n.inputMultipliers = L.inputMultipliers; n.inputShifts = L.inputShifts
            n.outputMultiplier = L.outputMultiplier; n.outputShift = L.outputShift
        }
        return n
    }

    /// Writes, reads back and compares one item; returns false when the writer refused the model.
    static func roundTrip(_ item: ConformancePackBuilder.Item) throws -> Bool {
        let net = try item.model.validated(file: "item")
        let plan = try Int8RequantizationPlan(net, multipliers: .fromScales)
        let bytes: [UInt8]
        do { bytes = try TFLiteWriter.write(item.model, tensorScales: plan.tensorScales, filterScales: plan.filterScales) } catch {
            return false
        }
        #expect(try TFLiteWriter.write(item.model, tensorScales: plan.tensorScales, filterScales: plan.filterScales) == bytes, "deterministic bytes")
        let back = try TFLiteImporter.importModel(bytes, file: "\(item.model.name ?? "model").tflite").model
        let backNet = try back.validated(file: "back")
        #expect(back.input.shape == item.model.input.shape)
        #expect(back.input.zeroPoint == item.model.input.zeroPoint)
        #expect(Float(back.input.scale!) == plan.tensorScales[0])
        #expect(back.layers.count == item.model.layers.count, "\(item.model.name ?? ""): layer count")
        guard back.layers.count == item.model.layers.count else { return true }
        for i in item.model.layers.indices {
            let want = normalized(item.model.layers[i], index: i, net: net, plan: plan, imported: false)
            let got = normalized(back.layers[i], index: i, net: backNet, plan: plan, imported: true)
            #expect(got == want, "\(item.model.name ?? "") layer \(i) (\(item.model.layers[i].op))")
            #expect(Float(back.layers[i].outputScale!) == plan.tensorScales[i + 1])
            if !plan.filterScales[i].isEmpty { #expect(back.layers[i].filterScales!.map { Float($0) } == plan.filterScales[i]) }
        }
        // The imported graph, evaluated by the IntRS reference (double rounding, its own multipliers), gives what
        // the pack expects of a double-rounding runtime.
        let backPlan = try Int8RequantizationPlan(backNet, multipliers: .model)
        for x in item.inputs {
            let want = try Int8RuleEvaluator.evaluate(net, quantizedInput: x, rule: .doubleRounding, plan: plan)
            let got = try Int8RuleEvaluator.evaluate(backNet, quantizedInput: x, rule: .doubleRounding, plan: backPlan)
            #expect(got == want, "\(item.model.name ?? ""): outputs")
            #expect(try ReferenceInt8Evaluator.evaluate(backNet, grid: x.map { $0 - back.input.zeroPoint }).tensors == want)
        }
        return true
    }

    @Test("int8-rules: every model is written and reads back to the same graph")
    func rulesSuite() throws {
        let items = try ConformancePackBuilder.items(suite: "int8-rules", vectors: Self.vectors)
        var written = 0
        for it in items where try Self.roundTrip(it) { written += 1 }
        #expect(written == items.count)
    }

    @Test("int8-ops: every op is written (add and pad included) and reads back to the same graph")
    func opsSuite() throws {
        let items = try ConformancePackBuilder.items(suite: "int8-ops", vectors: Self.vectors)
        var byOp: [String: (written: Int, total: Int)] = [:]
        for it in items {
            let op = it.model.layers.map(\.op).joined(separator: "+")
            let ok = try Self.roundTrip(it)
            byOp[op, default: (0, 0)].total += 1
            if ok { byOp[op, default: (0, 0)].written += 1 }
        }
        for op in ["conv2d", "depthwiseConv2d", "fullyConnected", "add", "averagePool2d", "maxPool2d", "reshape", "flatten", "pad"] {
            #expect((byOp[op]?.written ?? 0) > 0, "\(op): \(byOp[op].map { "\($0.written)/\($0.total)" } ?? "none") written")
        }
    }

    @Test("a clamp no fused activation gives is refused, naming the layer")
    func refusesClamp() throws {
        var m = try ConformancePackBuilder.items(suite: "int8-rules", vectors: Self.vectors)[0].model
        // A clamp around the zero point but not symmetric: no fused activation gives it.
        let z = m.layers[0].outputZeroPoint
        try #require(z - 3 >= -128 && z + 1 <= 126)
        m.layers[0].activationMin = z - 3; m.layers[0].activationMax = z + 1; m.layers[0].fusedActivation = "relu_n1_to_1"
        let net = try m.validated(file: "m")
        let plan = try Int8RequantizationPlan(net, multipliers: .fromScales)
        #expect(throws: TFLiteWriteError.self) { try TFLiteWriter.write(m, tensorScales: plan.tensorScales, filterScales: plan.filterScales) }
        do { _ = try TFLiteWriter.write(m, tensorScales: plan.tensorScales, filterScales: plan.filterScales) } catch {
            #expect(error.layer == 0 && error.description.contains("clamp [\(z - 3), \(z + 1)]"))
        }
    }
}
