import Foundation
import Testing
import IntRSCore
import IntRSRuntime
@testable import IntRSFloatBaseline

@Suite("Float32 baseline and the benchmark model")
struct FloatEvaluatorTests {
    /// Dequantized weights: w = S_w * q, bias = S_in * S_w * q_b; input x = S_in * (clamp(Z + m g) - Z).
    @Test func dequantizedFullyConnected() throws {
        var fc = Int8Layer(op: "fullyConnected", outputShape: [2], outputZeroPoint: 0)
        fc.filter = Int8Tensor(int8: [10, -20, 30, 40], shape: [2, 2])
        fc.bias = Int8Tensor(int32: [100, -100], shape: [2])
        fc.multiplier = [1 << 30, 1 << 30]; fc.shift = [0, 0]
        fc.filterScales = [0.5, 0.25]
        let m = Int8Model(rounding: .double, input: Int8InputSpec(shape: [2], zeroPoint: -128, gridMultiplier: 2, scale: 0.125), layers: [fc])
        let f = try FloatEvaluator(model: m)
        // g = [10, 200]: q = [-108, 127 (clipped from 272)], x = 0.125 * (q + 128) = [2.5, 31.875]
        let out = f.logits(grid: [10, 200])
        let x = [2.5, 31.875]
        let e0 = 0.5 * (10 * x[0] - 20 * x[1]) + 100 * 0.125 * 0.5
        let e1 = 0.25 * (30 * x[0] + 40 * x[1]) - 100 * 0.125 * 0.25
        #expect(abs(Double(out[0]) - e0) < 1e-3 && abs(Double(out[1]) - e1) < 1e-3, "\(out) vs \(e0), \(e1)")
        // Without scales the baseline refuses.
        var bare = m; bare.layers[0].filterScales = nil
        #expect(throws: FloatEvaluator.SetupError.self) { try FloatEvaluator(model: bare) }
    }

    /// Stored float weights take precedence over dequantization.
    @Test func storedFloatWeightsAreUsed() throws {
        var fc = Int8Layer(op: "fullyConnected", outputShape: [2], outputZeroPoint: 0)
        fc.filter = Int8Tensor(int8: [10, -20, 30, 40], shape: [2, 2])
        fc.multiplier = [1 << 30, 1 << 30]; fc.shift = [0, 0]
        fc.floatFilter = Int8Tensor(float32: [1, 2, 3, 4], shape: [2, 2])
        fc.floatBias = Int8Tensor(float32: [0.5, -0.5], shape: [2])
        fc.fusedActivation = "relu"; fc.activationMin = 0; fc.activationMax = 127
        let m = Int8Model(rounding: .single, input: Int8InputSpec(shape: [2], zeroPoint: 0, gridMultiplier: 1, scale: 0.5), layers: [fc])
        let out = try FloatEvaluator(model: m).logits(grid: [2, -4])
        // x = 0.5 * g = [1, -2]; [1 - 4 + 0.5, 3 - 8 - 0.5] = [-2.5, -5.5] -> ReLU -> [0, 0]
        #expect(out == [0, 0])
        let out2 = try FloatEvaluator(model: m).logits(grid: [4, 2])
        // x = [2, 1]: [2 + 2 + 0.5, 6 + 4 - 0.5] = [4.5, 9.5]
        #expect(out2 == [4.5, 9.5])
    }

    @Test func benchmarkModelIsDeterministicAndShaped() throws {
        let a = try Int8BenchmarkModel.cifarCNN(seed: 1).canonicalData()
        let b = try Int8BenchmarkModel.cifarCNN(seed: 1).canonicalData()
        #expect(a == b)
        #expect(a.count < 2 * 1024 * 1024)
        let m = try Int8Model.decode(a, file: "bench")
        let net = try m.validated(file: "bench")
        #expect(net.tensorShapes.last! == [10])
        #expect(Int8BenchmarkModel.multiplyAdds(net).reduce(0, +) == 25_528_832)
        #expect(try Int8BenchmarkModel.cifarCNN(seed: 2).canonicalData() != a)
    }

    /// The committed benchmark model is the seed-1 generation (byte for byte).
    @Test func committedBenchmarkModelRegenerates() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Benchmarks/cifar-cnn.model.json")
        let onDisk = try Data(contentsOf: url)
        #expect(onDisk == (try Int8BenchmarkModel.cifarCNN(seed: 1).canonicalData()))
    }
}
