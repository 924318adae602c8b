import Foundation
import IntRSCore
import IntRSReference
import IntRSRuntime

/// `int8-ops` v1: every op in a small random model (embedded, format intrs-int8-model v1) with grid inputs and
/// the expected int8 output tensor, computed by the reference; plus TFLite's per-tensor and per-channel
/// conv test cases (cited). The first nine ops and mean are one-layer models; mul multiplies the input by
/// itself (one layer) or by its mean over H and W (two layers); add with broadcasting adds the input and its
/// mean (two layers); concatenation joins the input with a zero-point-padded copy of it (two layers). The
/// expected output is the last layer's. `conform` runs `FastInt8Evaluator`.
public enum Int8OpsSuite: VectorSuite {
    public static let name = "int8-ops"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var comment: String
        public var model: Int8Model
        /// Grid values, row-major in the model's input shape.
        public var grid: [Int]
        /// The output tensor (int8 values, row-major).
        public var output: [Int]
        /// ArgMax of the output (lowest index on ties).
        public var `class`: Int
    }
    typealias File = VectorFile<NoParameters, Case>

    /// TFLite conv_test.cc: input [1, 2, 3, 2] real values, scale 0.5, zero point -1 (q = 2x - 1, so grid =
    /// the real value with gridMultiplier 2 and zeroPoint -1); filter [2, 2, 2, 2] OHWI; VALID, stride 1;
    /// output scale 0.5, zero point -1.
    static func tfliteConv(perChannel: Bool) -> Int8Model {
        var L = Int8Layer(op: "conv2d", outputShape: [1, 2, 2], outputZeroPoint: -1)
        // Per tensor: filter scale 1, the real weights are the int8 weights; bias = round(b / (0.5 * 1)).
        // Per channel (scales {1, 2}): channel 1 weights / 2 rounded half away from zero; bias -2 / (0.5 * 2).
        let ch0: [Int8] = [1, 2, 3, 4, 3, 4, 5, 6]
        let ch1: [Int8] = perChannel ? [4, 4, 3, 3, 2, 2, 1, 1] : [7, 8, 5, 6, 3, 4, 1, 2]
        L.filter = Int8Tensor(int8: ch0 + ch1, shape: [2, 2, 2, 2])
        L.bias = Int8Tensor(int32: perChannel ? [6, -2] : [6, -4], shape: [2])
        // Real multiplier S_in * S_w[c] / S_out = S_w[c]: 1 = 2^30 * 2^(1 - 31); 2 = 2^30 * 2^(2 - 31).
        L.multiplier = [1 << 30, 1 << 30]
        L.shift = perChannel ? [1, 2] : [1, 1]
        L.filterScales = perChannel ? [1, 2] : [1, 1]
        L.outputScale = 0.5
        L.padding = "valid"; L.stride = [1, 1]
        return Int8Model(name: perChannel ? "tflite-SimplePerChannelTest" : "tflite-SimplePerTensorTest", rounding: .double,
                         input: Int8InputSpec(shape: [2, 3, 2], zeroPoint: -1, gridMultiplier: 2, scale: 0.5, gridScale: 1),
                         layers: [L])
    }
    static let tfliteGrid = [3, 2, 1, -1, -2, -3, 4, 3, 2, -2, -3, -4]

    public static func generate() throws -> Data {
        var groups: [VectorGroup<NoParameters, Case>] = []
        var id = 1
        func make(_ comment: String, _ m: Int8Model, _ grids: [[Int]]) throws -> [Case] {
            let net = try m.validated(file: "int8-ops")
            return try grids.map { g in
                let e = try ReferenceInt8Evaluator.evaluate(net, grid: g)
                defer { id += 1 }
                return Case(id: id, result: .valid, comment: comment, model: m, grid: g, output: e.logits, class: e.classIndex)
            }
        }
        // TFLite cases.
        let perTensor = try make("TFLite conv_test.cc SimplePerTensorTest: expected {61, 111, -115, -89}", tfliteConv(perChannel: false), [tfliteGrid])
        let perChannel = try make("TFLite conv_test.cc SimplePerChannelTest (per-channel scales {1, 2}): expected {61, 127, -115, -93}", tfliteConv(perChannel: true), [tfliteGrid])
        precondition(perTensor[0].output == [61, 111, -115, -89] && perChannel[0].output == [61, 127, -115, -93],
                     "the TFLite reference values must be reproduced")
        groups.append(VectorGroup(description: "TFLite per-channel int8 conv test cases (double rounding)", parameters: NoParameters(), cases: perTensor + perChannel))
        // Every op, both rounding variants, a few random instances each.
        var r = Int8SplitMix64(seed: 0x1A78_0005)
        for op in ["conv2d", "depthwiseConv2d", "fullyConnected", "add", "averagePool2d", "maxPool2d", "reshape", "flatten", "pad"] {
            var cases: [Case] = []
            for rounding in RescaleRounding.allCases {
                for k in 0..<4 {
                    let seed = UInt64(1000 + k) &* 31 &+ UInt64(truncatingIfNeeded: op.utf8.reduce(0) { $0 &* 131 &+ Int($1) }) % 100_000
                    let m = Int8ModelGenerator.randomModel(seed: seed, rounding: rounding, ops: [op], head: false)
                    let grids = (0..<2).map { _ in Int8ModelGenerator.randomGrid(&r, model: m) }
                    cases += try make("\(op), \(rounding) rounding, generator seed \(seed)", m, grids)
                }
            }
            groups.append(VectorGroup(description: "op \(op)", parameters: NoParameters(), cases: cases))
        }
        // The ops added for TFLite import (after the others, so that the cases above keep their ids and bytes). A
        // binary op's broadcast partner (the input's mean over H and W) and a concatenation's padded copy are
        // extra layers of the same model; the expected output is the last layer's.
        for op in ["mean", "mul", "addBroadcast", "concatenation"] {
            var cases: [Case] = []
            for rounding in RescaleRounding.allCases {
                for k in 0..<4 {
                    let seed = UInt64(2000 + k) &* 31 &+ UInt64(truncatingIfNeeded: op.utf8.reduce(0) { $0 &* 131 &+ Int($1) }) % 100_000
                    let m = Int8ModelGenerator.randomModel(seed: seed, rounding: rounding, ops: [op], head: false)
                    let grids = (0..<2).map { _ in Int8ModelGenerator.randomGrid(&r, model: m) }
                    cases += try make("\(op), \(rounding) rounding, generator seed \(seed)", m, grids)
                }
            }
            groups.append(VectorGroup(description: op == "addBroadcast" ? "op add with broadcasting" : "op \(op)", parameters: NoParameters(), cases: cases))
        }
        // More mul models, their clamp set to NONE or RELU: the clamps of the group above are mostly ones no TFLite
        // fused activation gives at the synthesised scales, so few of those models could be written as .tflite.
        var mulCases: [Case] = []
        for rounding in RescaleRounding.allCases {
            for k in 0..<6 {
                let seed = UInt64(3000 + k) &* 31 &+ 7
                var m = Int8ModelGenerator.randomModel(seed: seed, rounding: rounding, ops: ["mul"], head: false)
                let last = m.layers.count - 1
                let z = m.layers[last].outputZeroPoint
                if k % 2 == 0 {
                    m.layers[last].fusedActivation = "none"; m.layers[last].activationMin = -128; m.layers[last].activationMax = 127
                } else {
                    m.layers[last].fusedActivation = "relu"; m.layers[last].activationMin = max(-128, z); m.layers[last].activationMax = 127
                }
                let grids = (0..<2).map { _ in Int8ModelGenerator.randomGrid(&r, model: m) }
                mulCases += try make("mul, clamp \(k % 2 == 0 ? "NONE" : "RELU"), \(rounding) rounding, generator seed \(seed)", m, grids)
            }
        }
        groups.append(VectorGroup(description: "op mul, fused activation NONE or RELU", parameters: NoParameters(), cases: mulCases))
        let file = File(suite: name, version: version,
                        description: "Every int8 op in a small model with inputs and the expected output tensor of its last layer (reference evaluator): conv2d, depthwiseConv2d, fullyConnected, add, averagePool2d, maxPool2d, reshape, flatten and pad as one-layer models; mean as one layer; mul of the input with itself (one layer) or with its mean over H and W (two layers); add with broadcasting of the input and its mean over H and W (two layers); concatenation of the input with a zero-point-padded copy of it (two layers). Models are embedded in format intrs-int8-model v1 (Vectors/model-format.md).",
                        seed: "1a780005",
                        sources: ["tensorflow/tensorflow, tensorflow/lite/kernels/conv_test.cc, TEST_P(ConvolutionOpTest, SimplePerTensorTest): input {3, 2, 1, -1, -2, -3, 4, 3, 2, -2, -3, -4} (scale 0.5, zero point -1), filter {1, 2, 3, 4, 3, 4, 5, 6, 7, 8, 5, 6, 3, 4, 1, 2} [2, 2, 2, 2], bias {3, -2}, output scale 0.5 zero point -1, expected int8 output {61, 111, -115, -89}. (The int8 issue attributes this value to SimplePerChannelTest; in the file it belongs to SimplePerTensorTest.)",
                                  "tensorflow/tensorflow, tensorflow/lite/kernels/conv_test.cc, TEST_P(ConvolutionOpTest, SimplePerChannelTest): same input, filter and bias with per-channel filter scales {1, 2}, expected int8 output {61, 127, -115, -93}."],
                        groups: groups)
        return try CanonicalJSON.encode(file)
    }

    public static func conform(_ data: Data) throws -> [String] {
        let f = try File.decode(data, file: fileName)
        var problems: [String] = []
        for (_, c) in f.allCases {
            do {
                let fast = try FastInt8Evaluator(model: c.model, threads: 1, file: "\(fileName) case \(c.id)")
                // The grid must fit the model before the fast runtime sees it (its buffers are sized by the model).
                let grid = c.grid.compactMap { Int32(exactly: $0) }
                guard c.grid.count == fast.inputCount, grid.count == c.grid.count else {
                    problems.append("case \(c.id): field grid has \(c.grid.count) values (the model expects \(fast.inputCount), each within Int32)")
                    continue
                }
                let out = fast.logits(grid: grid)
                if out.map({ Int($0) }) != c.output { problems.append("case \(c.id): fast output \(out) != expected \(c.output)") }
                var cls: [Int32] = [0]
                grid.withUnsafeBufferPointer { g in cls.withUnsafeMutableBufferPointer { fast.classify(grid: g, batch: 1, classes: $0) } }
                if Int(cls[0]) != c.class { problems.append("case \(c.id): fast class \(cls[0]) != expected \(c.class)") }
            } catch {
                problems.append("case \(c.id): \(error)")
            }
        }
        return problems
    }
}
