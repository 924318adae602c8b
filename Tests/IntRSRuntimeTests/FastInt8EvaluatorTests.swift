import Foundation
import Testing
import IntRSCore
import IntRSReference
@testable import IntRSRuntime

/// Property tests: the fast evaluator equals the reference evaluator bit for bit on random models and
/// inputs (fixed seeds; the failing seed and input are printed).
@Suite("Fast int8 evaluator equals the reference")
struct FastInt8EvaluatorTests {
    static let long = ProcessInfo.processInfo.environment["INTRS_LONG_TESTS"] == "1"

    @Test(arguments: RescaleRounding.allCases, Int8KernelPath.supported)
    func randomModels(rounding: RescaleRounding, path: Int8KernelPath) throws {
        let models = Self.long ? 2000 : 150
        var r = Int8SplitMix64(seed: 0xC0FFEE)
        var failures: [String] = []
        for k in 0..<models {
            let seed = UInt64(k) &* 7919 &+ (rounding == .double ? 1 : 2)
            let m = Int8ModelGenerator.randomModel(seed: seed, rounding: rounding)
            let net = try m.validated(file: "random")
            let fast = FastInt8Evaluator(network: net, threads: k % 3 == 0 ? 2 : 1, chunkSize: 1 + k % 4, kernel: path)
            let batch = 5
            var grids: [[Int]] = []
            for _ in 0..<batch { grids.append(Int8ModelGenerator.randomGrid(&r, model: m)) }
            let flat = grids.flatMap { $0.map { Int32(clamping: $0) } }
            var logits = [Int8](repeating: 0, count: batch * fast.classCount)
            var classes = [Int32](repeating: -1, count: batch)
            flat.withUnsafeBufferPointer { g in
                logits.withUnsafeMutableBufferPointer { fast.logits(grid: g, batch: batch, logits: $0) }
                classes.withUnsafeMutableBufferPointer { fast.classify(grid: g, batch: batch, classes: $0) }
            }
            for b in 0..<batch {
                let ref = try ReferenceInt8Evaluator.evaluate(net, grid: grids[b].map { Int(Int32(clamping: $0)) })
                let got = logits[(b * fast.classCount)..<((b + 1) * fast.classCount)].map { Int($0) }
                if got != ref.logits || Int(classes[b]) != ref.classIndex {
                    failures.append("model seed \(seed) (\(rounding), \(path)), input \(b) = \(grids[b]): fast \(got)/\(classes[b]) reference \(ref.logits)/\(ref.classIndex)")
                }
            }
            if failures.count > 3 { break }
        }
        let failureCount = failures.count
        #expect(failureCount == 0, "\(failures.prefix(4))")
    }

    /// Wide convolutions exercise the 32-channel blocks of the channel-blocked kernel (and the 8-channel
    /// remainder, odd K): 3x3 conv 3 -> 45 channels, then 1x1 conv 45 -> 70, on random weights.
    @Test(arguments: RescaleRounding.allCases, Int8KernelPath.supported)
    func wideConvolutions(rounding: RescaleRounding, path: Int8KernelPath) throws {
        var r = Int8SplitMix64(seed: 0xB10C)
        func conv(_ inC: Int, _ outC: Int, _ k: Int, _ hw: Int) -> Int8Layer {
            var L = Int8Layer(op: "conv2d", outputShape: [hw, hw, outC], outputZeroPoint: r.int(-20...20))
            L.filter = Int8Tensor(int8: (0..<(outC * k * k * inC)).map { _ in Int8(r.int(-127...127)) }, shape: [outC, k, k, inC])
            L.bias = Int8Tensor(int32: (0..<outC).map { _ in Int32(r.int(-50_000...50_000)) }, shape: [outC])
            L.multiplier = (0..<outC).map { _ in r.int(Int8Model.multiplierRange) }
            L.shift = (0..<outC).map { _ in r.int(-14 ... -9) }
            L.padding = "same"
            return L
        }
        let m = Int8Model(rounding: rounding, input: Int8InputSpec(shape: [5, 5, 3], zeroPoint: 3, gridMultiplier: 1),
                          layers: [conv(3, 45, 3, 5), conv(45, 70, 1, 5)])
        let net = try m.validated(file: "wide")
        let fast = FastInt8Evaluator(network: net, threads: 2, kernel: path)
        for t in 0..<6 {
            let g = (0..<75).map { _ in t == 0 ? 1000 : r.int(-140...140) }
            let ref = try ReferenceInt8Evaluator.evaluate(net, grid: g)
            let got = fast.logits(grid: g.map { Int32($0) }).map { Int($0) }
            #expect(got == ref.logits, "input \(t)")
        }
    }

    /// The generated models do reach accumulators near the int32 limit and positive shifts.
    @Test func generatorCoversEdges() throws {
        var nearLimit = 0, positiveShift = 0, edgeM0 = 0, ops = Set<String>()
        for k in 0..<150 {
            let m = Int8ModelGenerator.randomModel(seed: UInt64(k) &* 7919 &+ 1, rounding: .double)
            for L in m.layers {
                ops.insert(L.op)
                if let b = L.bias?.int32Values, b.contains(where: { abs(Int($0)) > (1 << 31) - 100_000 }) { nearLimit += 1 }
                if let s = L.shift, s.contains(where: { $0 > 0 }) { positiveShift += 1 }
                if let mu = L.multiplier, mu.contains(where: { $0 == 1 << 30 || $0 == (1 << 31) - 1 }) { edgeM0 += 1 }
            }
        }
        #expect(nearLimit >= 5 && positiveShift >= 5 && edgeM0 >= 5, "near-limit \(nearLimit), positive shift \(positiveShift), edge M0 \(edgeM0)")
        #expect(ops.isSuperset(of: ["conv2d", "depthwiseConv2d", "averagePool2d", "maxPool2d", "add", "flatten", "fullyConnected"]))
    }

    /// The reference rejects (does not wrap) an accumulator overflow. The model fails the static overflow
    /// check, so it is built with `checkOverflow: false`.
    @Test func referenceRejectsOverflow() throws {
        var fc = Int8Layer(op: "fullyConnected", outputShape: [1], outputZeroPoint: 0)
        fc.filter = Int8Tensor(int8: [127, 127], shape: [1, 2])
        fc.bias = Int8Tensor(int32: [Int32.max - 10_000], shape: [1])
        fc.multiplier = [1 << 30]; fc.shift = [-20]
        let m = Int8Model(rounding: .double, input: Int8InputSpec(shape: [2], zeroPoint: -128, gridMultiplier: 1), layers: [fc])
        #expect(throws: Int8ModelError.self) { try m.validated(file: "m") }
        let net = try m.validated(file: "m", checkOverflow: false)
        // Small input: fine (q = -128, x - Z = 0). Grid 255 gives q = 127, x - Z = 255.
        _ = try ReferenceInt8Evaluator.evaluate(net, grid: [-128, -128])
        #expect(throws: ReferenceInt8Error.accumulatorOverflow(layer: 0, element: 0, value: "\(Int(Int32.max) - 10_000 + 2 * 127 * 255)")) {
            try ReferenceInt8Evaluator.evaluate(net, grid: [255, 255])
        }
    }

    /// ArgMax: ties go to the lowest index, in both evaluators.
    @Test func argMaxTies() throws {
        var fc = Int8Layer(op: "fullyConnected", outputShape: [4], outputZeroPoint: 0)
        fc.filter = Int8Tensor(int8: [0, 0, 0, 0], shape: [4, 1])
        fc.bias = Int8Tensor(int32: [5, 9, 9, 1], shape: [4])
        fc.multiplier = [1 << 30, 1 << 30, 1 << 30, 1 << 30]; fc.shift = [1, 1, 1, 1]
        let m = Int8Model(rounding: .double, input: Int8InputSpec(shape: [1], zeroPoint: 0, gridMultiplier: 1), layers: [fc])
        let net = try m.validated(file: "m")
        let ref = try ReferenceInt8Evaluator.evaluate(net, grid: [3])
        #expect(ref.logits == [5, 9, 9, 1] && ref.classIndex == 1)
        let fast = FastInt8Evaluator(network: net)
        var c: [Int32] = [-1]
        [Int32(3)].withUnsafeBufferPointer { g in c.withUnsafeMutableBufferPointer { fast.classify(grid: g, batch: 1, classes: $0) } }
        #expect(c == [1])
    }

    /// The input stage clips: q = clamp(Z + gridMultiplier * g, -128, 127), also for extreme grid values.
    @Test func inputStageClips() {
        #expect(ReferenceInt8Ops.quantizeInput(Int.max, zeroPoint: -128, gridMultiplier: 3) == 127)
        #expect(ReferenceInt8Ops.quantizeInput(Int.min, zeroPoint: 127, gridMultiplier: 65536) == -128)
        #expect(ReferenceInt8Ops.quantizeInput(100, zeroPoint: -128, gridMultiplier: 2) == 72)
        #expect(ReferenceInt8Ops.quantizeInput(128, zeroPoint: -128, gridMultiplier: 2) == 127)
    }
}
