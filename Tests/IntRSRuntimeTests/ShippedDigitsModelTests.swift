import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSRuntime
import IntRSFloatBaseline

/// The shipped default model (Sources/IntRSCLI/Resources/digits-cnn.v1.json) on the shipped test set
/// (digits-test.v1.json), against the Python integer-only simulation that tools/train/train.py wrote into
/// tools/train/expected/digits-cnn.v1.test-logits.json. No Python runs here: the file is committed.
@Suite("Shipped digits model")
struct ShippedDigitsModelTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelURL = root.appendingPathComponent("Sources/IntRSCLI/Resources/digits-cnn.v1.json")
    static let dataURL = root.appendingPathComponent("Sources/IntRSCLI/Resources/digits-test.v1.json")
    static let expectedURL = root.appendingPathComponent("tools/train/expected/digits-cnn.v1.test-logits.json")

    /// Clean test accuracy floor for the int8 model (measured 0.9972 = 359/360; see tools/train/README.md).
    static let accuracyFloor = 0.97

    struct Expected: Decodable {
        struct Noisy: Decodable { var example: Int; var sigma2: Int; var grid: [Int]; var logits: [Int] }
        var classes: [Int]
        var logits: [[Int]]
        var noisy: [Noisy]
        var cleanAccuracyInt8: Double
        var cleanAccuracyFloat: Double
        var floatLogits: [[Double]]
        var floatClasses: [Int]
    }

    static func load() throws -> (Int8Model, Int8Network, GridDataset, Expected) {
        let model = try Int8Model.load(from: modelURL)
        let net = try model.validated(file: modelURL.path)
        let data = try GridDataset.load(from: dataURL)
        try data.checkCompatible(inputShape: model.input.shape, file: dataURL.path)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: expectedURL))
        return (model, net, data, expected)
    }

    @Test("the model file is in canonical form (re-encoding it gives the same bytes)")
    func canonical() throws {
        let bytes = try Data(contentsOf: ShippedDigitsModelTests.modelURL)
        let model = try Int8Model.decode(bytes, file: "digits-cnn.v1.json")
        #expect(try model.canonicalData() == bytes)
        #expect(model.rounding == .double)
        #expect(model.input.gridMultiplier == 1 && model.input.zeroPoint == -8 && model.input.shape == [8, 8, 1])
        #expect(model.input.gridScale == 1.0 / 16.0)
    }

    @Test("reference and fast evaluators reproduce the Python integer simulation bit for bit; clean accuracy above the floor")
    func cleanTestSet() throws {
        let (_, net, data, expected) = try ShippedDigitsModelTests.load()
        #expect(expected.logits.count == data.examples.count)
        let fast = FastInt8Evaluator(network: net, threads: 2)
        let n = data.examples.count, d = data.elementCount, k = net.classCount
        let grids: [Int32] = (0..<n).flatMap { data.grid($0) }
        var fastLogits = [Int8](repeating: 0, count: n * k)
        var fastClasses = [Int32](repeating: -1, count: n)
        grids.withUnsafeBufferPointer { g in
            fastLogits.withUnsafeMutableBufferPointer { fast.logits(grid: g, batch: n, logits: $0) }
            fastClasses.withUnsafeMutableBufferPointer { fast.classify(grid: g, batch: n, classes: $0) }
        }
        var correctRef = 0, correctFast = 0, mismatches = 0
        for i in 0..<n {
            let ref = try ReferenceInt8Evaluator.evaluate(net, grid: data.examples[i].grid)
            let f = fastLogits[(i * k)..<((i + 1) * k)].map { Int($0) }
            if ref.logits != expected.logits[i] || f != expected.logits[i] || Int(fastClasses[i]) != ref.classIndex
                || ref.classIndex != expected.classes[i] {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("example \(i): python \(expected.logits[i]) reference \(ref.logits) fast \(f) class \(fastClasses[i])")
                }
            }
            if ref.classIndex == data.examples[i].label { correctRef += 1 }
            if Int(fastClasses[i]) == data.examples[i].label { correctFast += 1 }
        }
        #expect(mismatches == 0)
        #expect(correctRef == correctFast)
        let acc = Double(correctRef) / Double(n)
        #expect(acc >= ShippedDigitsModelTests.accuracyFloor, "clean int8 accuracy \(acc) (\(correctRef)/\(n))")
        #expect(acc == expected.cleanAccuracyInt8)
        _ = d
    }

    @Test("noisy and clipped inputs: reference and fast equal the Python simulation")
    func noisyInputs() throws {
        let (_, net, _, expected) = try ShippedDigitsModelTests.load()
        #expect(expected.noisy.count == 100)
        // The wide-noise half reaches the input clamp at both ends.
        let all = expected.noisy.flatMap(\.grid)
        #expect(all.contains { -8 + $0 < -128 } && all.contains { -8 + $0 > 127 })
        let fast = FastInt8Evaluator(network: net, threads: 1)
        for c in expected.noisy {
            let ref = try ReferenceInt8Evaluator.evaluate(net, grid: c.grid)
            let f = fast.logits(grid: c.grid.map { Int32($0) }).map { Int($0) }
            #expect(ref.logits == c.logits, "example \(c.example), sigma2 \(c.sigma2): reference")
            #expect(f == c.logits, "example \(c.example), sigma2 \(c.sigma2): fast")
        }
    }

    @Test("the float32 baseline evaluator matches the Python float model (logits within 1e-3, same classes)")
    func floatBaseline() throws {
        let (_, net, data, expected) = try ShippedDigitsModelTests.load()
        let fe = try FloatEvaluator(network: net, threads: 1)
        var correct = 0
        var worst = 0.0
        for (i, e) in data.examples.enumerated() {
            let l = fe.logits(grid: e.grid.map { Float($0) })
            let py = expected.floatLogits[i]
            for (a, b) in zip(l, py) { worst = max(worst, abs(Double(a) - b) / max(1, abs(b))) }
            let cls = l.indices.max { l[$0] < l[$1] || (l[$0] == l[$1] && $0 > $1) }!
            #expect(cls == expected.floatClasses[i], "example \(i): swift \(l) python \(py)")
            if cls == e.label { correct += 1 }
        }
        #expect(worst < 1e-3, "largest relative logit difference \(worst)")
        #expect(Double(correct) / Double(data.examples.count) == expected.cleanAccuracyFloat)
        #expect(expected.cleanAccuracyFloat >= ShippedDigitsModelTests.accuracyFloor)
    }
}
