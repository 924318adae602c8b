import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSRuntime

/// The pad op: the reference definition on a worked example, and the fast gather (FastGather) equal to it bit
/// for bit on random models that contain pads (alone, before a conv, between layers, before the head).
@Suite("pad: reference and fast evaluator")
struct FastPadTests {
    @Test("reference pad on a worked example")
    func worked() throws {
        var m = Int8Model(rounding: .double, input: Int8InputSpec(shape: [2, 2, 1], zeroPoint: 9, gridMultiplier: 1), layers: [])
        var L = Int8Layer(op: "pad", outputShape: [3, 3, 1], outputZeroPoint: 9)
        L.pads = [[1, 0], [0, 1], [0, 0]]
        m.layers = [L]
        let net = try m.validated(file: "pad")
        // grid g enters as 9 + g: inputs 1, 2, 3, 4 are grid -8, -7, -6, -5.
        let e = try ReferenceInt8Evaluator.evaluate(net, grid: [-8, -7, -6, -5])
        #expect(e.logits == [9, 9, 9, 1, 2, 9, 3, 4, 9])
        #expect(FastInt8Evaluator(network: net).logits(grid: [-8, -7, -6, -5]).map { Int($0) } == e.logits)
        // A pad extends the static range with its zero point (the next layer's overflow bound uses it).
        #expect(net.tensorRanges[1] == -128...127)
    }

    @Test("validation: pads per dimension, zero point kept, no activation, no stray fields")
    func validation() throws {
        var m = Int8Model(rounding: .double, input: Int8InputSpec(shape: [4], zeroPoint: 0, gridMultiplier: 1), layers: [])
        var L = Int8Layer(op: "pad", outputShape: [7], outputZeroPoint: 0)
        L.pads = [[1, 2]]
        m.layers = [L]
        _ = try m.validated(file: "p")
        var bad = m; bad.layers[0].pads = [[1, 2], [0, 0]]
        #expect(throws: Int8ModelError.self) { _ = try bad.validated(file: "p") }
        bad = m; bad.layers[0].pads = [[-1, 2]]
        #expect(throws: Int8ModelError.self) { _ = try bad.validated(file: "p") }
        bad = m; bad.layers[0].outputZeroPoint = 3
        #expect(throws: Int8ModelError.self) { _ = try bad.validated(file: "p") }
        bad = m; bad.layers[0].outputShape = [6]
        #expect(throws: Int8ModelError.self) { _ = try bad.validated(file: "p") }
        bad = m; bad.layers[0].pads = nil
        #expect(throws: Int8ModelError.self) { _ = try bad.validated(file: "p") }
        var conv = Int8Layer(op: "reshape", outputShape: [4], outputZeroPoint: 0)
        conv.pads = [[0, 0]]
        bad = m; bad.layers = [conv]
        #expect(throws: Int8ModelError.self) { _ = try bad.validated(file: "p") }
    }

    @Test("fast equals reference on random models with pads (both roundings)")
    func fastEqualsReference() throws {
        var r = Int8SplitMix64(seed: 0x9AD)
        let shapes: [[String]] = [["pad"], ["pad", "conv2d"], ["conv2d", "pad", "maxPool2d"], ["pad", "depthwiseConv2d", "pad"], ["pad", "add"]]
        var checked = 0
        for rounding in RescaleRounding.allCases {
            for (k, ops) in shapes.enumerated() {
                for s in 0..<8 {
                    let m = Int8ModelGenerator.randomModel(seed: UInt64(100 * k + s), rounding: rounding, ops: ops, head: s % 2 == 0)
                    let net = try m.validated(file: "random")
                    let fast = FastInt8Evaluator(network: net, threads: 1, chunkSize: 3)
                    let grids = (0..<7).map { _ in Int8ModelGenerator.randomGrid(&r, model: m) }
                    var flat: [Int32] = []
                    for g in grids { flat += g.map { Int32($0) } }
                    var logits = [Int8](repeating: 0, count: grids.count * net.classCount)
                    flat.withUnsafeBufferPointer { g in logits.withUnsafeMutableBufferPointer { fast.logits(grid: g, batch: grids.count, logits: $0) } }
                    for (i, g) in grids.enumerated() {
                        let e = try ReferenceInt8Evaluator.evaluate(net, grid: g)
                        #expect(logits[(i * net.classCount)..<((i + 1) * net.classCount)].map { Int($0) } == e.logits, "\(ops) seed \(s)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == 2 * 5 * 8 * 7)
    }
}
