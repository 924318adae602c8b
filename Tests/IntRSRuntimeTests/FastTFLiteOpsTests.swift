import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSRuntime

/// mean, mul, concatenation and broadcasting add: the reference definitions on worked examples, validation
/// errors naming the field, and the fast evaluator (FastTFLiteOps.swift) equal to the reference bit for bit on
/// random models that contain them (both roundings, batches across chunk boundaries).
@Suite("mean, mul, concatenation, broadcasting add: reference and fast evaluator")
struct FastTFLiteOpsTests {
    static func model(_ shape: [Int], zeroPoint: Int = 0, _ layers: [Int8Layer]) -> Int8Model {
        Int8Model(rounding: .double, input: Int8InputSpec(shape: shape, zeroPoint: zeroPoint, gridMultiplier: 1), layers: layers)
    }

    static func check(_ m: Int8Model, grid: [Int], expect: [Int]) throws {
        let net = try m.validated(file: "worked")
        let e = try ReferenceInt8Evaluator.evaluate(net, grid: grid)
        #expect(e.logits == expect)
        #expect(FastInt8Evaluator(network: net).logits(grid: grid.map { Int32($0) }).map { Int($0) } == expect)
    }

    @Test("mean: TFLite's derived multiplier, worked by hand")
    func meanWorked() throws {
        // n = 3 (H 1, W 3): k = floor(log2 3) = 1, M' = floor(2^30 * 2 / 3) = 715827882, shift' = 1 - 1 = 0.
        #expect(Int8MeanPlan.derive(multiplier: 1 << 30, shift: 1, count: 3) == (715_827_882, 0))
        #expect(ReferenceInt8Ops.meanRescale(multiplier: 1 << 30, shift: 1, count: 3) == (715_827_882, 0))
        // k is capped at 31 + shift: shift -31 keeps k = 0 whatever n.
        #expect(Int8MeanPlan.derive(multiplier: 1 << 30, shift: -31, count: 1000) == (1_073_741, -31))
        // Real multiplier S_in / S_out = 1 ((2^30, 1)): out = Z_out + round(sum * M' / 2^31): channel 0 sums
        // 1 + 2 + 4 = 7 (Z_in 0), 7 * 715827882 / 2^31 = 2.333 -> 2 (the real average 7/3); channel 1 sums -9 -> -3.
        var L = Int8Layer(op: "mean", outputShape: [1, 1, 2], outputZeroPoint: 5)
        L.outputMultiplier = 1 << 30; L.outputShift = 1
        try Self.check(Self.model([1, 3, 2], [L]), grid: [1, -3, 2, -3, 4, -3], expect: [7, 2])
        // The same with the flat output shape [C].
        L.outputShape = [2]
        try Self.check(Self.model([1, 3, 2], [L]), grid: [1, -3, 2, -3, 4, -3], expect: [7, 2])
    }

    @Test("mul and broadcasting add and mul, worked by hand")
    func binaryWorked() throws {
        // mul: input [2, 1, 2] (Z 1) times its own mean over H, W ([1, 1, 2], Z 0, real multiplier 1):
        var mean = Int8Layer(op: "mean", outputShape: [1, 1, 2], outputZeroPoint: 0)
        mean.outputMultiplier = 1 << 30; mean.outputShift = 1
        var mul = Int8Layer(op: "mul", outputShape: [2, 1, 2], outputZeroPoint: -2)
        mul.inputs = [0, 1]
        mul.outputMultiplier = 1 << 30; mul.outputShift = -1 // real 1/4
        // grid g -> q = 1 + g: q = [3, 5, 7, -3]; x - Z_in = [2, 4, 6, -4]; means of (x - 1): [4, 0] (q 4 and 0).
        // products (x - 1) * (mean - 0): [8, 0, 24, 0]; / 4 -> [2, 0, 6, 0]; + Z_out -2 -> [0, -2, 4, -2].
        try Self.check(Self.model([2, 1, 2], zeroPoint: 1, [mean, mul]), grid: [2, 4, 6, -4], expect: [0, -2, 4, -2])
        // broadcasting add: in + mean with unit multipliers (leftShift 0, rescales 1 = (2^30, 1)).
        var add = Int8Layer(op: "add", outputShape: [2, 1, 2], outputZeroPoint: 0)
        add.inputs = [1, 0]
        add.leftShift = 0; add.inputMultipliers = [1 << 30, 1 << 30]; add.inputShifts = [1, 1]
        add.outputMultiplier = 1 << 30; add.outputShift = 1
        // (mean - 0) + (x - 1): [4 + 2, 0 + 4, 4 + 6, 0 - 4].
        try Self.check(Self.model([2, 1, 2], zeroPoint: 1, [mean, add]), grid: [2, 4, 6, -4], expect: [6, 4, 10, -4])
    }

    @Test("concatenation along each axis, worked by hand")
    func concatenationWorked() throws {
        // Input [2, 2, 1] (Z 0) = [[a, b], [c, d]]; pad H by one row after (zero point) -> [3, 2, 1]; join on H.
        var pad = Int8Layer(op: "pad", outputShape: [3, 2, 1], outputZeroPoint: 0)
        pad.pads = [[0, 1], [0, 0], [0, 0]]
        var cat = Int8Layer(op: "concatenation", outputShape: [5, 2, 1], outputZeroPoint: 0)
        cat.inputs = [1, 0]; cat.axis = 0
        try Self.check(Self.model([2, 2, 1], [pad, cat]), grid: [1, 2, 3, 4], expect: [1, 2, 3, 4, 0, 0, 1, 2, 3, 4])
        // Along W: rows interleave.
        cat.axis = 1; cat.inputs = [0, 0]; cat.outputShape = [2, 4, 1]
        try Self.check(Self.model([2, 2, 1], [cat]), grid: [1, 2, 3, 4], expect: [1, 2, 1, 2, 3, 4, 3, 4])
        // Along C, three inputs.
        cat.axis = 2; cat.inputs = [0, 0, 0]; cat.outputShape = [2, 2, 3]
        try Self.check(Self.model([2, 2, 1], [cat]), grid: [1, 2, 3, 4], expect: [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4])
    }

    @Test("validation names the field: shapes, zero points, axis, activations, rescales, stray fields")
    func validation() throws {
        func field(_ m: Int8Model) -> String {
            do { _ = try m.validated(file: "x"); return "" } catch let e as Int8ModelError { return e.field } catch { return "?" }
        }
        var mean = Int8Layer(op: "mean", outputShape: [1, 1, 2], outputZeroPoint: 0)
        mean.outputMultiplier = 1 << 30; mean.outputShift = 1
        let good = Self.model([3, 3, 2], [mean])
        #expect(field(good) == "")
        var m = good; m.layers[0].outputShape = [2, 1]
        #expect(field(m) == "layers[0].outputShape")
        m = good; m.layers[0].outputShift = nil
        #expect(field(m) == "layers[0].outputShift")
        m = good; m.layers[0].outputMultiplier = 5
        #expect(field(m) == "layers[0].outputMultiplier")
        m = good; m.layers[0].fusedActivation = "relu"; m.layers[0].activationMin = 0
        #expect(field(m) == "layers[0].activationMin")
        m = good; m.layers[0].axis = 1
        #expect(field(m) == "layers[0].axis")
        m = good; m.layers[0].outputShift = 29 // the sum of 9 inputs cannot meet the derived shift's precondition
        #expect(field(m) == "layers[0].outputShift")
        m = Self.model([4], [mean]); m.layers[0].outputShape = [4]
        #expect(field(m) == "layers[0].inputs")

        var mul = Int8Layer(op: "mul", outputShape: [3, 3, 2], outputZeroPoint: 0)
        mul.inputs = [0, 1]; mul.outputMultiplier = 1 << 30; mul.outputShift = -8
        let goodMul = Self.model([3, 3, 2], [mean, mul])
        #expect(field(goodMul) == "")
        m = goodMul; m.layers[1].inputs = [0]
        #expect(field(m) == "layers[1].inputs")
        m = goodMul; m.layers[1].outputShift = 16 // |v| <= 128 * 128 = 2^14 needs 2^(30 - shift) - 1 >= 2^14: shift <= 15
        #expect(field(m) == "layers[1].outputShift")
        m.layers[1].outputShift = 15
        #expect(field(m) == "")
        m = goodMul; m.layers[0].outputShape = [2]; m.layers[1].inputs = [0, 1] // [3, 3, 2] and [2] broadcast
        #expect(field(m) == "")
        m = goodMul; m.layers[1].leftShift = 20
        #expect(field(m) == "layers[1].leftShift")
        var flat = Int8Layer(op: "reshape", outputShape: [18], outputZeroPoint: 0)
        flat.inputs = [0]
        m = Self.model([3, 3, 2], [flat, mul]); m.layers[1].inputs = [0, 1] // [3, 3, 2] and [18] do not broadcast
        #expect(field(m) == "layers[1].inputs")

        var cat = Int8Layer(op: "concatenation", outputShape: [3, 3, 4], outputZeroPoint: 0)
        cat.inputs = [0, 0]; cat.axis = 2
        let goodCat = Self.model([3, 3, 2], [cat])
        #expect(field(goodCat) == "")
        m = goodCat; m.layers[0].axis = 3
        #expect(field(m) == "layers[0].axis")
        m = goodCat; m.layers[0].axis = nil
        #expect(field(m) == "layers[0].axis")
        m = goodCat; m.layers[0].outputZeroPoint = 1
        #expect(field(m) == "layers[0].outputZeroPoint")
        m = goodCat; m.layers[0].inputs = []
        #expect(field(m) == "layers[0].inputs")
        m = Self.model([3, 3, 2], [mean, cat]); m.layers[1].inputs = [0, 1]; m.layers[1].outputShape = [3, 3, 4]
        #expect(field(m) == "layers[1].inputs[1]")
        m = goodCat; m.layers[0].outputMultiplier = 1 << 30
        #expect(field(m) == "layers[0].outputMultiplier")
    }

    @Test("fast equals reference on random models with mean, mul, concatenation, broadcasting add (both roundings)")
    func fastEqualsReference() throws {
        var r = Int8SplitMix64(seed: 0x7F11E)
        let shapes: [[String]] = [["mean"], ["mul"], ["concatenation"], ["addBroadcast"], ["conv2d", "mean"],
                                  ["mul", "concatenation", "conv2d"], ["concatenation", "addBroadcast", "mul"],
                                  ["depthwiseConv2d", "mul", "mean"], ["pad", "concatenation", "maxPool2d"]]
        var checked = 0
        var seen = Set<String>()
        for rounding in RescaleRounding.allCases {
            for (k, ops) in shapes.enumerated() {
                for s in 0..<10 {
                    let m = Int8ModelGenerator.randomModel(seed: UInt64(7000 + 100 * k + s), rounding: rounding, ops: ops, head: s % 2 == 0)
                    for L in m.layers { seen.insert(L.op + (L.fusedActivation == "relu_n1_to_1" ? "/relu_n1_to_1" : "")) }
                    let net = try m.validated(file: "random")
                    let fast = FastInt8Evaluator(network: net, threads: 1, chunkSize: 3)
                    let grids = (0..<7).map { _ in Int8ModelGenerator.randomGrid(&r, model: m) }
                    var out = [Int8](repeating: 0, count: grids.count * fast.classCount)
                    grids.flatMap { $0.map { Int32($0) } }.withUnsafeBufferPointer { g in
                        out.withUnsafeMutableBufferPointer { fast.logits(grid: g, batch: grids.count, logits: $0) }
                    }
                    for (b, g) in grids.enumerated() {
                        let ref = try ReferenceInt8Evaluator.evaluate(net, grid: g).logits
                        let got = out[(b * fast.classCount)..<((b + 1) * fast.classCount)].map { Int($0) }
                        #expect(got == ref, "ops \(ops) seed \(7000 + 100 * k + s) \(rounding) input \(b)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == 2 * 9 * 10 * 7)
        #expect(seen.isSuperset(of: ["mean", "mul", "concatenation", "add", "mul/relu_n1_to_1"]))
    }

    @Test("mean: the derived multiplier equals the reference's own derivation for every n up to 2^16 and every shift")
    func meanDerivation() {
        var r = Int8SplitMix64(seed: 0xD3E)
        for n in 1...(1 << 16) {
            let m = r.int(Int8Model.multiplierRange), s = r.int(Int8Model.shiftRange)
            let a = Int8MeanPlan.derive(multiplier: Int32(m), shift: Int32(s), count: n)
            let b = ReferenceInt8Ops.meanRescale(multiplier: m, shift: s, count: n)
            #expect(Int(a.multiplier) == b.multiplier && Int(a.shift) == b.shift, "n \(n), M0 \(m), shift \(s)")
            // M' in [2^29, 2^31) unless k was capped by 31 + shift (then smaller, still >= 0).
            let k = s - Int(a.shift)
            #expect(a.multiplier >= 0 && (k < 63 - UInt64(n).leadingZeroBitCount || a.multiplier >= 1 << 29), "n \(n), shift \(s)")
            if Int(a.multiplier) != b.multiplier { return }
        }
    }
}
