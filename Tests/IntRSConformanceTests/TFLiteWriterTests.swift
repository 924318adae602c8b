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
        n.axis = L.axis
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
            if let m = plan.mean[i] { n.outputMultiplier = Int(m.multiplier); n.outputShift = Int(m.shift) }
            if let m = plan.mul[i] { n.outputMultiplier = Int(m.outputMultiplier); n.outputShift = Int(m.outputShift) }
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
        for op in ["conv2d", "depthwiseConv2d", "fullyConnected", "add", "averagePool2d", "maxPool2d", "reshape", "flatten", "pad",
                   "mean", "mul", "mean+mul", "mean+add", "pad+concatenation"] {
            #expect((byOp[op]?.written ?? 0) > 0, "\(op): \(byOp[op].map { "\($0.written)/\($0.total)" } ?? "none") written")
        }
        // Every mean, mul, broadcasting add and concatenation case is written (their clamps are NONE or RELU-like
        // at the synthesised scales, or refused only for the clamp, which the pack then says).
        for op in ["mean", "pad+concatenation"] { #expect(byOp[op].map { $0.written == $0.total } == true, "\(op): \(String(describing: byOp[op]))") }
    }

    /// The model with what a .tflite file cannot carry made equal: the layer names and the description (the
    /// writer names tensors t<k>; the importer names layers after tensors and records the file's description).
    static func anonymous(_ m: Int8Model) -> Int8Model {
        var m = m
        m.name = nil; m.description = nil
        for i in m.layers.indices { m.layers[i].name = nil }
        return m
    }

    @Test("LiteRT fixtures: import, write, import again gives the same JSON model (and a fixed point after one round)")
    func fixturesRoundTrip() throws {
        let dir = ConformanceTests.vectors.deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/tflite")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tflite") && !$0.hasPrefix("refuse-") }.sorted()
        #expect(files.count >= 39)
        var same = 0, ops = Set<String>()
        for f in files {
            let a = try TFLiteImporter.importModel(Array(try Data(contentsOf: dir.appendingPathComponent(f))), file: f).model
            let net = try a.validated(file: f)
            let plan = try Int8RequantizationPlan(net, multipliers: .fromScales)
            // An imported model states every scale, and its multipliers are those its scales give.
            #expect(plan.statedScales && plan.rederived.isEmpty, "\(f): \(plan.rederived.count) re-derived")
            let w1: [UInt8]
            do { w1 = try TFLiteWriter.write(a, tensorScales: plan.tensorScales, filterScales: plan.filterScales) } catch {
                Issue.record("\(f): the writer refused the imported model: \(error)"); continue
            }
            let b = try TFLiteImporter.importModel(w1, file: "\(f) written").model
            // A conv or FC without a bias is written with an int32 bias of zeros (and reads back with it).
            var a0 = Self.anonymous(a)
            for i in a0.layers.indices where a0.layers[i].bias == nil && ["conv2d", "depthwiseConv2d", "fullyConnected"].contains(a0.layers[i].op) {
                let n = a0.layers[i].multiplier!.count
                a0.layers[i].bias = Int8Tensor(int32: [Int32](repeating: 0, count: n), shape: [n])
            }
            let jb = try Self.anonymous(b).canonicalData()
            #expect(try a0.canonicalData() == jb, "\(f): the written file imports to another model")
            if try a0.canonicalData() == jb { same += 1 }
            ops.formUnion(b.layers.map(\.op))
            // After one round the file and the model are a fixed point, byte for byte (names included).
            let bNet = try b.validated(file: f)
            let bPlan = try Int8RequantizationPlan(bNet, multipliers: .fromScales)
            let w2 = try TFLiteWriter.write(b, tensorScales: bPlan.tensorScales, filterScales: bPlan.filterScales)
            #expect(w2 == w1, "\(f): writing the re-imported model gives other bytes")
            let c = try TFLiteImporter.importModel(w2, file: "\(f) written").model
            #expect(try c.canonicalData() == b.canonicalData(), "\(f): second import differs")
        }
        #expect(same == files.count)
        for op in ["mean", "mul", "concatenation", "add", "conv2d", "depthwiseConv2d", "fullyConnected", "pad", "reshape", "averagePool2d", "maxPool2d"] {
            #expect(ops.contains(op), "no fixture exercises \(op)")
        }
    }

    @Test("writer refusals name the layer: a requantising concatenation, a broadcast across ranks")
    func refusesNewOps() throws {
        // concatenation of t0 with itself into a tensor of another scale (0.25 vs 0.5): no longer a copy.
        var L = Int8Layer(op: "concatenation", outputShape: [2, 2, 2], outputZeroPoint: 0)
        L.inputs = [0, 0]; L.axis = 2; L.outputScale = 0.25
        let m = Int8Model(name: "c", rounding: .double, input: Int8InputSpec(shape: [2, 2, 1], zeroPoint: 0, gridMultiplier: 1, scale: 0.5), layers: [L])
        let net = try m.validated(file: "m")
        let plan = try Int8RequantizationPlan(net, multipliers: .fromScales)
        do { _ = try TFLiteWriter.write(m, tensorScales: plan.tensorScales, filterScales: plan.filterScales); Issue.record("written") } catch {
            #expect(error.layer == 0 && error.description.contains("input 0 (t0) has scale 0.5") && error.description.contains("CONCATENATION requires them equal"))
        }
        do { _ = try ONNXWriter.write(m, tensorScales: plan.tensorScales, filterScales: plan.filterScales, form: .qlinear, name: "c"); Issue.record("written") } catch {
            #expect(error.layer == 0 && error.description.contains("input 0 (t0) has scale 0.5"))
        }
        // mul of [2, 2, 3] and its mean [3] (ranks 3 and 1).
        var M = Int8Layer(op: "mean", outputShape: [3], outputZeroPoint: 0)
        M.inputs = [0]; M.outputMultiplier = 1 << 30; M.outputShift = 1
        var X = Int8Layer(op: "mul", outputShape: [2, 2, 3], outputZeroPoint: 0)
        X.inputs = [0, 1]; X.outputMultiplier = 1 << 30; X.outputShift = -6
        let m2 = Int8Model(name: "r", rounding: .double, input: Int8InputSpec(shape: [2, 2, 3], zeroPoint: 0, gridMultiplier: 1), layers: [M, X])
        let net2 = try m2.validated(file: "m2")
        let plan2 = try Int8RequantizationPlan(net2, multipliers: .fromScales)
        do { _ = try TFLiteWriter.write(m2, tensorScales: plan2.tensorScales, filterScales: plan2.filterScales); Issue.record("written") } catch {
            #expect(error.layer == 1 && error.description.contains("equal rank"))
        }
        do { _ = try ONNXWriter.write(m2, tensorScales: plan2.tensorScales, filterScales: plan2.filterScales, form: .qdq, name: "r"); Issue.record("written") } catch {
            #expect(error.layer == 1 && error.description.contains("equal rank"))
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
