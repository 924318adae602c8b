import CIntRSKernels
import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSExact
@testable import IntRSRuntime

/// Models whose layers read a tensor with a NARROW static range (after a clamp [lo, hi] around Z), with
/// parameters at the validator's bounds computed from that range, on every kernel path and both roundings:
/// the validator bounds accumulators by each layer's real input range, so anything a fast path computes for
/// inputs outside that range (the all -128 or all 127 input, a folded bias') may overflow here while every
/// real accumulator fits. Written by the session-9 adversarial review, which found such a case in the lanes
/// kernel's bias fold (fixed in 8e2fd9d; its targeted regression test is
/// Int8KernelPathTests.wrappedFoldedBiasEqualsReference; this generator, with INTRS_NARROW_COUNT=1000 and the fix
/// disabled, finds it too). INTRS_NARROW_COUNT sets the models per op (default 60).
@Suite("Narrow-range adversarial models")
struct NarrowRangeAdversarialTests {
    /// (Z, lo, hi) of the narrowed tensor.
    static let ranges: [(Int, Int, Int)] = [(100, 100, 127), (127, 127, 127), (0, -1, 1), (-128, -128, -125),
                                           (-50, -60, -40), (-128, -128, -128), (127, 120, 127), (60, 0, 127),
                                           (-128, -128, 127), (127, -128, 127), (5, 5, 5), (-3, -4, 100)]

    static func limit(_ shift: Int) -> Int64 { shift <= 0 ? Int64(Int32.max) : (Int64(1) << (30 - shift)) - 1 }

    /// A 1x1 conv from the input to `c` channels clamped to [lo, hi] with zero point z (relu_n1_to_1 form, or
    /// relu / relu6 where they express it), its outputs spread over the range.
    static func narrowing(_ r: inout Int8SplitMix64, h: Int, w: Int, cin: Int, c: Int, _ zr: (Int, Int, Int), input: Int) -> Int8Layer {
        let (z, lo, hi) = zr
        var L = Int8Layer(op: "conv2d", outputShape: [h, w, c], outputZeroPoint: z)
        L.inputs = [input]
        L.filter = Int8Tensor(int8: (0..<(c * cin)).map { _ in Int8(r.int(-127...127)) }, shape: [c, 1, 1, cin])
        L.bias = Int8Tensor(int32: (0..<c).map { _ in Int32(r.int(-3000...3000)) }, shape: [c])
        L.multiplier = (0..<c).map { _ in r.int(Int8Model.multiplierRange) }
        let lg = 64 - Int64(127 * 128 * cin).leadingZeroBitCount
        let span = max(2, hi - lo + 2)
        let lspan = 64 - Int64(span).leadingZeroBitCount
        L.shift = (0..<c).map { _ in max(-31, min(0, lspan - lg + r.int(-1...2))) }
        L.stride = [1, 1]; L.dilation = [1, 1]; L.padding = "same"
        if lo == -128 && hi == 127 { return L }
        if lo == max(-128, z) && hi == 127 { L.fusedActivation = "relu" }
        else if lo == max(-128, z) { L.fusedActivation = "relu6" }
        else { L.fusedActivation = "relu_n1_to_1" }
        L.activationMin = lo; L.activationMax = hi
        return L
    }

    static func activation(_ r: inout Int8SplitMix64, _ L: inout Int8Layer) {
        let z = L.outputZeroPoint
        switch r.int(0...5) {
        case 0...1: L.fusedActivation = "relu"; L.activationMin = max(-128, z); L.activationMax = 127
        case 2: L.fusedActivation = "relu6"; L.activationMin = max(-128, z); L.activationMax = r.int(max(-128, z)...127)
        case 3: L.fusedActivation = "relu_n1_to_1"; L.activationMin = r.int(-128...z); L.activationMax = r.int(z...127)
        default: break
        }
    }

    /// Per-channel (bias, M0, shift) at or near the bound for the sums of |w| times A in `b0`.
    static func rescale(_ r: inout Int8SplitMix64, _ b0: [Int64], shifts: inout [Int], biases: inout [Int32], mults: inout [Int]) {
        for b in b0 {
            // Largest shift whose limit still holds b (+ some bias room), sometimes; else a spreading shift.
            var s: Int
            let lgb = b <= 1 ? 0 : 64 - (b - 1).leadingZeroBitCount
            switch r.int(0...3) {
            case 0: s = min(29, 29 - lgb)          // left shift at the limit
            case 1: s = r.int(-31...29)
            default: s = 8 - lgb + r.int(-3...3)
            }
            s = max(-31, min(29, s))
            while limit(s) < b && s > -31 { s -= 1 }
            let room = max(0, limit(s) - b)
            var bias: Int64
            switch r.int(0...3) {
            case 0, 1: bias = max(0, room - Int64(r.int(0...2)))
            case 2: bias = Int64(r.int(0...Int(min(room, 5000))))
            default: bias = 0
            }
            if r.chance(50) { bias = -bias }
            biases.append(Int32(bias)); shifts.append(s)
            mults.append(r.pick([1 << 30, (1 << 31) - 1, r.int(Int8Model.multiplierRange)]))
        }
    }

    static func weights(_ r: inout Int8SplitMix64, _ n: Int) -> [Int8] {
        let style = r.int(0...3)
        return (0..<n).map { _ in
            switch style {
            case 0: return Int8(r.pick([-127, 127]))
            case 1: return 127
            case 2: return -127
            default: return Int8(r.chance(30) ? r.pick([-127, 127]) : r.int(-127...127))
            }
        }
    }

    /// One model: input -> narrowing layer(s) -> the op under test -> flatten.
    static func model(_ k: Int, _ r: inout Int8SplitMix64, rounding: RescaleRounding, op: String) -> Int8Model {
        let zr = r.pick(ranges)
        let (z, lo, hi) = zr
        let a = Int64(max(abs(lo - z), abs(hi - z)))
        let lanes = op == "conv2d" && r.chance(40)
        let h = r.int(2...6), w = lanes ? r.int(16...34) : r.int(2...9)
        let c = lanes ? r.pick([1, 2, 3]) : r.int(1...24)
        let cin = r.int(1...3)
        let input = Int8InputSpec(shape: [h, w, cin], zeroPoint: r.int(-128...127), gridMultiplier: 1)
        var layers = [narrowing(&r, h: h, w: w, cin: cin, c: c, zr, input: 0)]
        let zout = r.pick([-128, 127, 0, r.int(-128...127)])
        var L = Int8Layer(op: op, outputShape: [], outputZeroPoint: zout)
        var biases: [Int32] = [], shifts: [Int] = [], mults: [Int] = []
        switch op {
        case "conv2d", "depthwiseConv2d":
            let dw = op == "depthwiseConv2d"
            let kh = lanes ? r.pick([1, 3]) : r.int(1...3), kw = lanes ? 3 : r.int(1...3)
            let mult = dw ? r.int(1...3) : 1
            let oc = dw ? c * mult : r.pick([1, 16, 32, r.int(1...40)])
            L.stride = lanes ? [r.int(1...2), 1] : [r.int(1...2), r.int(1...2)]
            L.dilation = lanes ? [1, 1] : (r.chance(30) ? [r.int(1...2), r.int(1...2)] : [1, 1])
            L.padding = r.pick(["same", "valid"])
            if (kh - 1) * L.dilation![0] + 1 > h || (kw - 1) * L.dilation![1] + 1 > w { L.padding = "same" }
            let fshape = dw ? [1, kh, kw, oc] : [oc, kh, kw, c]
            let f = weights(&r, fshape.reduce(1, *))
            L.filter = Int8Tensor(int8: f, shape: fshape)
            if dw { L.depthMultiplier = mult }
            let kk = kh * kw * c
            let b0: [Int64] = (0..<oc).map { o in
                (dw ? (0..<(kh * kw)).map { f[$0 * oc + o] } : (0..<kk).map { f[o * kk + $0] }).reduce(Int64(0)) { $0 + Int64(abs(Int($1))) } * a
            }
            rescale(&r, b0, shifts: &shifts, biases: &biases, mults: &mults)
            let p = Int8Padding(rawValue: L.padding!)!
            L.outputShape = [int8OutputSize(input: h, kernel: kh, stride: L.stride![0], dilation: L.dilation![0], padding: p)!.out,
                             int8OutputSize(input: w, kernel: kw, stride: L.stride![1], dilation: L.dilation![1], padding: p)!.out, oc]
        case "fullyConnected":
            let n = h * w * c, oc = r.pick([1, 16, 32, r.int(1...40)])
            let f = weights(&r, oc * n)
            L.filter = Int8Tensor(int8: f, shape: [oc, n])
            rescale(&r, (0..<oc).map { o in (0..<n).reduce(Int64(0)) { $0 + Int64(abs(Int(f[o * n + $1]))) } * a },
                    shifts: &shifts, biases: &biases, mults: &mults)
            L.outputShape = [oc]
        case "add", "mul":
            // A second narrowed tensor (another range, same shape), or the same tensor twice.
            let zr2 = r.pick(ranges)
            let second: Int
            if r.chance(30) { second = 1 } else {
                layers.append(narrowing(&r, h: h, w: w, cin: cin, c: c, zr2, input: 0)); second = 2
            }
            L.inputs = [1, second]
            let a2 = second == 1 ? a : Int64(max(abs(zr2.1 - zr2.0), abs(zr2.2 - zr2.0)))
            L.outputShape = [h, w, c]
            if op == "mul" {
                let bound = a * a2
                let lg = bound <= 1 ? 0 : 64 - (bound - 1).leadingZeroBitCount
                var s = r.chance(50) ? 29 - lg : r.int(-31...29)
                while limit(s) < bound && s > -31 { s -= 1 }
                L.outputShift = s; L.outputMultiplier = r.pick([1 << 30, (1 << 31) - 1, r.int(Int8Model.multiplierRange)])
            } else {
                var s2: [Int] = [], ls = 22
                for ak in [a, a2] {
                    let sk = r.chance(50) ? r.int(-31...29) : r.int(0...29)
                    s2.append(sk)
                    while ls > 0 && (ak << Int64(ls)) > limit(sk) { ls -= 1 }
                }
                // fix shifts whose limit is below A even with ls = 0
                for (i, ak) in [a, a2].enumerated() { while limit(s2[i]) < ak && s2[i] > -31 { s2[i] -= 1 } }
                ls = r.chance(70) ? ls : r.int(0...ls)
                L.leftShift = ls; L.inputShifts = s2
                L.inputMultipliers = [r.pick([1 << 30, (1 << 31) - 1]), r.pick([1 << 30, (1 << 31) - 1, r.int(Int8Model.multiplierRange)])]
                L.outputMultiplier = r.pick([1 << 30, (1 << 31) - 1, r.int(Int8Model.multiplierRange)])
                L.outputShift = r.chance(50) ? r.int(-31...29) : r.int(-31...0)
            }
        case "mean":
            L.outputShape = r.chance(50) ? [c] : [1, 1, c]
            L.outputMultiplier = r.pick([1 << 30, (1 << 31) - 1, r.int(Int8Model.multiplierRange)])
            L.outputShift = r.chance(50) ? r.int(-31...29) : r.int(-12...12)
        default: // averagePool2d
            let kh = r.int(1...h), kw = r.int(1...w)
            L.poolSize = [kh, kw]; L.stride = [r.int(1...3), r.int(1...3)]; L.padding = r.pick(["same", "valid"])
            L.outputZeroPoint = z
            let p = Int8Padding(rawValue: L.padding!)!
            L.outputShape = [int8OutputSize(input: h, kernel: kh, stride: L.stride![0], dilation: 1, padding: p)!.out,
                             int8OutputSize(input: w, kernel: kw, stride: L.stride![1], dilation: 1, padding: p)!.out, c]
        }
        if !biases.isEmpty {
            L.bias = Int8Tensor(int32: biases, shape: [biases.count]); L.multiplier = mults; L.shift = shifts
        }
        if op != "mean" { activation(&r, &L) }
        if op != "add" && op != "mul" { L.inputs = [1] }
        L.inputs = L.inputs ?? [1]
        layers.append(L)
        if L.outputShape.count != 1 {
            layers.append(Int8Layer(op: "flatten", outputShape: [L.outputShape.reduce(1, *)], outputZeroPoint: L.outputZeroPoint))
        }
        return Int8Model(name: "narrow-\(op)-\(k)", rounding: rounding, input: input, layers: layers)
    }

    static let ops = ["conv2d", "depthwiseConv2d", "fullyConnected", "add", "mul", "mean", "averagePool2d"]
    static let count = Int(ProcessInfo.processInfo.environment["INTRS_NARROW_COUNT"] ?? "") ?? 60

    @Test(arguments: Int8KernelPathTests.paths, RescaleRounding.allCases)
    func narrowRangeModelsEqualReference(path: Int8KernelPath, rounding: RescaleRounding) throws {
        var failures: [String] = []
        var accepted: [String: Int] = [:], rejected: [String: Int] = [:], refThrows = 0
        for op in Self.ops {
            var r = Int8SplitMix64(seed: 0x4E41_5252 &+ UInt64(op.count) &* 7919 &+ (rounding == .double ? 1 : 2))
            for k in 0..<Self.count {
                let m = Self.model(k, &r, rounding: rounding, op: op)
                guard (try? m.validated(file: "narrow")) != nil else { rejected[op, default: 0] += 1; continue }
                accepted[op, default: 0] += 1
                do {
                    let bad = try Int8KernelPathTests.mismatchedInputs(m, file: "narrow", path: path, chunkSize: 1 + k % 11, &r)
                    if !bad.isEmpty { failures.append("\(op) model \(k): inputs \(bad)") }
                } catch {
                    refThrows += 1
                    failures.append("\(op) model \(k): reference threw \(error)")
                }
                if failures.count > 6 { break }
            }
        }
        // The generator must produce models the validator accepts, for every op (else the test checks nothing).
        for op in Self.ops { #expect((accepted[op] ?? 0) >= Self.count / 10, "\(op): \(accepted[op] ?? 0) of \(Self.count) models accepted, \(rejected[op] ?? 0) rejected, \(refThrows) reference errors") }
        #expect(failures.isEmpty, "\(path): \(failures)")
    }
}

/// A clean grid value at the dataset validator's bound (GridDataset allows any gridMin/gridMax in Int32) plus
/// noise: the fast vote counter must count what the reference (ReferenceSmoothing.counts, which adds in Int)
/// counts. With wrapping Int32 addition in GridScalar.addInput, Int32.max + 1 became Int32.min, quantised to
/// -128 instead of 127, and all four cases failed (found by the session-9 adversarial review; fixed by the
/// saturating addition).
@Suite("Grid values at the Int32 bound under noise")
struct GridBoundNoiseTests {
    @Test(arguments: [Int32.max, Int32.max - 2, Int32.min, Int32.min + 2])
    func fastPredictEqualsReferenceAtInt32Bound(v: Int32) throws {
        let model = SmoothingSpecificationTests.handModel()
        let net = try model.validated(file: "hand")
        let input = [Int(v), Int(v), 0, Int(v)]
        let noise = NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(9, 4), sampler: .exact, tableBits: nil)
        let seed = Seed(bytes: [UInt8](repeating: 7, count: 32))
        let alpha = Rational(1, 100)
        let n = 60
        let ps = try ReferenceSmoothing.predict(network: net, input: input, seed: seed, example: 3, n: n, alpha: alpha, noise: noise)
        let fast = FastSmoothing(classifier: try FastInt8Evaluator(model: model, threads: 1, file: "hand"),
                                 noise: try SmoothingSpecificationTests.fastNoise(noise, seed: seed), threads: 1, chunkSize: 7)
        let p = fast.predict(input: input.map { Int32($0) }, example: 3, n: n,
                             test: SmoothingSpecificationTests.ExactTest(alpha: alpha))
        #expect(p.counts == ps.counts, "v = \(v): fast \(p.counts), reference \(ps.counts)")
    }
}
