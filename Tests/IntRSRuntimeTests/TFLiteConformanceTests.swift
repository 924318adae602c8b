import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSRuntime

/// IntRS on imported `.tflite` models against LiteRT 2.3.0's reference kernels (OpResolverType.BUILTIN_REF),
/// whose outputs tools/tflite/make_fixtures.py recorded in Tests/Fixtures/tflite/litert-outputs.json. No Python
/// runs here.
///
/// Bit-exact on every op, except FULLY_CONNECTED, where LiteRT's reference kernel requantises in double
/// (Proofs/int8-rescale.md, "Where IntRS deviates from TFLite"). There the test asserts exactly what the
/// proof states: LiteRT's value IS round(double(acc) * (double(S_in) * double(S_w) / double(S_out))) + Z_out
/// (ties away from zero, then the clamp), and IntRS differs from it by at most 1, and only where that real
/// value lies within 2^(shift - 1) + 2^-20 of a half-integer.
@Suite("TFLite conformance (LiteRT reference kernels)")
struct TFLiteConformanceTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/tflite")

    struct Record: Decodable {
        struct Fixture: Decodable { var name: String; var file: String; var grid: [[Int]]; var output: [[Int]]; var headOutput: [[Int]]? }
        struct Refusal: Decodable { var file: String; var operatorIndex: Int?; var operatorName: String; var reasonContains: String }
        struct Digits: Decodable { var file: String; var grid: [[Int]]; var output: [[Int]] }
        var fixtures: [Fixture]
        var refusals: [Refusal]
        var digits: Digits
    }

    static func record() throws -> Record {
        try JSONDecoder().decode(Record.self, from: Data(contentsOf: fixtures.appendingPathComponent("litert-outputs.json")))
    }

    static func importFile(_ url: URL) throws -> TFLiteImport {
        try TFLiteImporter.importModel([UInt8](Data(contentsOf: url)), file: url.lastPathComponent)
    }

    /// LiteRT's reference FULLY_CONNECTED output for one channel (double requantisation), and whether the
    /// real value lies within `slack` of a half-integer.
    static func liteRTFullyConnected(acc: Int, sIn: Double, sW: Double, sOut: Double, zOut: Int, lo: Int, hi: Int,
                                     slack: Double) -> (value: Int, nearTie: Bool) {
        let x = Double(acc) * (sIn * sW / sOut)
        let r = Int(x.rounded(.toNearestOrAwayFromZero))
        let dist = abs(abs(x - x.rounded(.down)) - 0.5)
        return (min(max(zOut + r, lo), hi), dist <= slack)
    }

    /// Compares IntRS (reference and fast) with LiteRT on one imported model; returns the number of FC outputs
    /// where IntRS and LiteRT differ (each checked to be a documented near-tie).
    static func compare(_ imp: TFLiteImport, name: String, grids: [[Int]], outputs: [[Int]]) throws -> (checked: Int, fcDiffs: Int) {
        let net = try imp.model.validated(file: name)
        let fast = FastInt8Evaluator(network: net)
        let last = net.layers[net.layers.count - 1]
        var checked = 0, fcDiffs = 0
        for (i, g) in grids.enumerated() {
            let ev = try ReferenceInt8Evaluator.evaluate(net, grid: g)
            let fastLogits = fast.logits(grid: g.map { Int32($0) }).map { Int($0) }
            #expect(fastLogits == ev.logits, "\(name) input \(i): fast evaluator differs from the reference")
            let expected = outputs[i]
            guard case .fullyConnected(let p) = last.kind else {
                #expect(ev.logits == expected, "\(name) input \(i): IntRS \(ev.logits) vs LiteRT \(expected)")
                checked += expected.count
                continue
            }
            // FULLY_CONNECTED last: recompute the accumulator from the (bit-exact) input tensor.
            let x = ev.tensors[last.inputs[0]]
            let zIn = Int(net.tensorZeroPoints[last.inputs[0]])
            let sIn = Double(Float(net.tensorScales[last.inputs[0]]!))
            let sOut = Double(Float(net.tensorScales[net.tensorScales.count - 1]!))
            for o in 0..<p.outCount {
                var acc = Int(p.bias[o])
                for k in 0..<p.inCount { acc += Int(p.filter[o * p.inCount + k]) * (x[k] - zIn) }
                let slack = Double(sign: .plus, exponent: Int(p.shift[o]) - 1, significand: 1) + 0x1p-20
                let lrt = liteRTFullyConnected(acc: acc, sIn: sIn, sW: p.filterScales![o], sOut: sOut, zOut: Int(last.outputZeroPoint),
                                               lo: Int(last.activationMin), hi: Int(last.activationMax), slack: slack)
                #expect(lrt.value == expected[o], "\(name) input \(i) output \(o): LiteRT \(expected[o]) is not the documented double requantisation \(lrt.value)")
                if ev.logits[o] != expected[o] {
                    fcDiffs += 1
                    #expect(abs(ev.logits[o] - expected[o]) <= 1 && lrt.nearTie,
                            "\(name) input \(i) output \(o): IntRS \(ev.logits[o]) vs LiteRT \(expected[o]) outside the documented near-tie deviation")
                }
                checked += 1
            }
        }
        return (checked, fcDiffs)
    }

    @Test("every fixture: IntRS equals LiteRT's reference kernels (FC: the documented deviation only)")
    func fixturesMatchLiteRT() throws {
        let rec = try Self.record()
        #expect(rec.fixtures.count >= 17)
        var total = 0, diffs = 0
        for f in rec.fixtures {
            let imp = try Self.importFile(Self.fixtures.appendingPathComponent(f.file))
            let (n, d) = try Self.compare(imp, name: f.name, grids: f.grid, outputs: f.output)
            total += n; diffs += d
            if let head = f.headOutput { try Self.checkHead(imp, name: f.name, grids: f.grid, logits: f.output, head: head) }
            // The tie-heavy FC fixture exists to exercise the deviation: it must occur there.
            if f.name == "fc-tie-heavy" { #expect(d > 0, "fc-tie-heavy: no FULLY_CONNECTED deviation observed") }
        }
        print("TFLite conformance: \(total) outputs compared with LiteRT, \(diffs) FULLY_CONNECTED outputs differ by 1 at documented near-ties")
        #expect(total > 1500)
    }

    /// A dropped SOFTMAX/LOGISTIC head (Proofs/tflite-classifier-head.md): LiteRT's int8 head output is
    /// non-decreasing in the logits, so IntRS's class (ArgMax of the logits) always has the largest head output;
    /// the head's own ArgMax (lowest index) differs exactly when a lower index ties it there.
    static func checkHead(_ imp: TFLiteImport, name: String, grids: [[Int]], logits: [[Int]], head: [[Int]]) throws {
        let net = try imp.model.validated(file: name)
        var differ = 0
        for (i, g) in grids.enumerated() {
            let c = try ReferenceInt8Evaluator.evaluate(net, grid: g).classIndex
            let x = logits[i], y = head[i]
            for a in x.indices { for b in x.indices where x[a] > x[b] { #expect(y[a] >= y[b], "\(name) input \(i): head output not monotone in the logits") } }
            let top = y.max()!
            #expect(y[c] == top, "\(name) input \(i): IntRS class \(c) does not have the largest head output \(y)")
            let headArgMax = y.firstIndex(of: top)!
            if headArgMax != c {
                differ += 1
                #expect(headArgMax < c && x[headArgMax] < x[c], "\(name) input \(i)")
            }
        }
        if name == "fc-logistic-head" { #expect(differ > 0, "the saturating LOGISTIC fixture is meant to show head ties") }
        print("\(name): the head's own ArgMax differs from IntRS's class on \(differ) of \(grids.count) inputs (ties in the int8 head output)")
    }

    @Test("the ops and options the fixtures cover")
    func coverage() throws {
        let rec = try Self.record()
        var ops = Set<String>(), acts = Set<String>(), pads = Set<String>()
        var perChannel = false, perTensor = false, dilated = false, strided = false, multiplier = Set<Int>()
        for f in rec.fixtures {
            let m = try Self.importFile(Self.fixtures.appendingPathComponent(f.file)).model
            for L in m.layers {
                ops.insert(L.op); acts.insert(L.fusedActivation ?? "none"); if let p = L.padding { pads.insert(p) }
                if let s = L.filterScales { if Set(s).count > 1 { perChannel = true } else { perTensor = true } }
                if (L.dilation ?? [1, 1]) != [1, 1] { dilated = true }
                if (L.stride ?? [1, 1]) != [1, 1] { strided = true }
                if let d = L.depthMultiplier { multiplier.insert(d) }
            }
        }
        #expect(ops == ["conv2d", "depthwiseConv2d", "fullyConnected", "add", "averagePool2d", "maxPool2d", "reshape", "pad",
                        "mean", "mul", "concatenation"])
        #expect(acts == ["none", "relu", "relu6", "relu_n1_to_1"])
        #expect(pads == ["same", "valid"])
        #expect(perChannel && perTensor && dilated && strided)
        #expect(multiplier.isSuperset(of: [1, 2, 3]))
    }

    @Test("MEAN is its own op: LiteRT's int8 MEAN is not the rounded average, IntRS's mean equals it")
    func meanIsNotAnAveragePool() throws {
        let rec = try Self.record()
        var compared = 0, differ = 0, broadcasts = Set<String>(), concatAxes = Set<Int>()
        for f in rec.fixtures {
            let imp = try Self.importFile(Self.fixtures.appendingPathComponent(f.file))
            for L in imp.model.layers {
                if L.op == "concatenation" { concatAxes.insert(L.axis!) }
                if ["add", "mul"].contains(L.op), let i = L.inputs {
                    let net = try imp.model.validated(file: f.name)
                    if net.tensorShapes[i[0]] != net.tensorShapes[i[1]] { broadcasts.insert(L.op) }
                }
            }
            guard imp.model.layers.count == 1, imp.model.layers[0].op == "mean" else { continue }
            let net = try imp.model.validated(file: f.name)
            guard case .mean(let p) = net.layers[0].kind else { continue }
            let zi = Int(net.tensorZeroPoints[0]), zo = Int(net.layers[0].outputZeroPoint)
            let ratio = net.tensorScales[0]! / net.tensorScales[1]!
            for (i, g) in f.grid.enumerated() {
                let x = g.map { ReferenceInt8Ops.quantizeInput($0, zeroPoint: zi, gridMultiplier: 1) }
                for c in 0..<p.channels {
                    let n = p.inH * p.inW
                    var sum = 0
                    for k in 0..<n { sum += x[k * p.channels + c] - zi }
                    // What an average pool with a real requantisation would give: Z_out + round(ratio * sum / n).
                    let naive = min(max(zo + Int((ratio * Double(sum) / Double(n)).rounded(.toNearestOrAwayFromZero)), -128), 127)
                    if naive != f.output[i][c] { differ += 1 }
                    compared += 1
                }
            }
        }
        print("MEAN fixtures: LiteRT differs from the rounded real average on \(differ) of \(compared) outputs (IntRS's mean is bit-exact)")
        #expect(compared > 500 && differ > 0, "the MEAN fixtures are meant to show TFLite's own integer mean")
        #expect(broadcasts == ["add", "mul"], "broadcasting ADD and MUL fixtures")
        #expect(concatAxes == [0, 2], "concatenation along H and along channels")
    }

    @Test("refused models name the operator index, its name and the reason")
    func refusals() throws {
        let rec = try Self.record()
        #expect(rec.refusals.count >= 5)
        for r in rec.refusals {
            let url = Self.fixtures.appendingPathComponent(r.file)
            do {
                _ = try Self.importFile(url)
                Issue.record("\(r.file) was imported")
            } catch let e as TFLiteImportError {
                #expect(e.operatorIndex == r.operatorIndex, "\(r.file): \(e)")
                if r.operatorIndex != nil { #expect(e.operatorName == r.operatorName, "\(r.file): \(e)") }
                #expect(e.description.contains(r.reasonContains), "\(r.file): \(e)")
                #expect(e.description.hasPrefix(r.file), "\(r.file): \(e)")
            }
        }
    }

    @Test("import is deterministic: the same file gives byte-identical JSON")
    func deterministic() throws {
        let rec = try Self.record()
        for f in rec.fixtures {
            let url = Self.fixtures.appendingPathComponent(f.file)
            #expect(try Self.importFile(url).model.canonicalData() == Self.importFile(url).model.canonicalData())
        }
    }

    static let digitsJSON = root.appendingPathComponent("Sources/IntRSCLI/Resources/digits-cnn.v1.json")
    static let digitsTFLite = root.appendingPathComponent("Sources/IntRSCLI/Resources/digits-cnn.v1.tflite")

    @Test("the shipped digits .tflite imports to the JSON model's integers and agrees with LiteRT")
    func digits() throws {
        let json = try Int8Model.load(from: Self.digitsJSON)
        let imp = try Self.importFile(Self.digitsTFLite)
        let m = imp.model
        #expect(m.input == json.input)
        #expect(m.layers.count == json.layers.count)
        for (a, b) in zip(m.layers, json.layers) {
            #expect(a.multiplier == b.multiplier && a.shift == b.shift, "\(a.name ?? a.op): TFLite-derived (M0, shift) differ from the JSON model's")
            #expect(a.filter == b.filter && a.bias == b.bias && a.outputZeroPoint == b.outputZeroPoint && a.outputShape == b.outputShape)
            #expect((a.activationMin ?? -128, a.activationMax ?? 127) == (b.activationMin ?? -128, b.activationMax ?? 127))
            #expect(a.stride == b.stride && a.padding == b.padding && a.poolSize == b.poolSize)
        }
        let rec = try Self.record()
        _ = try Self.compare(imp, name: "digits", grids: rec.digits.grid, outputs: rec.digits.output)
        // Same logits as the JSON model on every test example.
        let netA = try m.validated(file: "tflite"), netB = try json.validated(file: "json")
        let data = try GridDataset.load(from: Self.root.appendingPathComponent("Sources/IntRSCLI/Resources/digits-test.v1.json"))
        for e in data.examples {
            #expect(try ReferenceInt8Evaluator.evaluate(netA, grid: e.grid).logits == ReferenceInt8Evaluator.evaluate(netB, grid: e.grid).logits)
        }
    }

    @Test("describe notes: FULLY_CONNECTED deviates, the other ops are bit-exact")
    func deviations() throws {
        let imp = try Self.importFile(Self.digitsTFLite)
        for (i, L) in imp.model.layers.enumerated() {
            #expect((imp.deviations[i] != nil) == (L.op == "fullyConnected"))
        }
        #expect(imp.sourceOperatorNames == ["CONV_2D", "MAX_POOL_2D", "CONV_2D", "RESHAPE", "FULLY_CONNECTED"])
        #expect(imp.sourceOperators == [1, 2, 3, 4, 5])
    }
}
