import CIntRSKernels
import Foundation
import Testing
import IntRSCore
import IntRSReference
@testable import IntRSRuntime

/// Every kernel path of CIntRSKernels (portable C, AVX2 when this CPU has it) equals the scalar fast
/// rescale, the definition of the GEMM, and the reference evaluator, bit for bit. Proofs: KERN-1,
/// INT8-RESCALE, INT8-EXACT.
@Suite("Int8 kernel paths equal the reference")
struct Int8KernelPathTests {
    static let long = ProcessInfo.processInfo.environment["INTRS_LONG_TESTS"] == "1"
    static let paths = Int8KernelPath.supported

    /// `intrs_rescale` lane by lane on one path.
    static func laneRescale(_ path: Int8KernelPath, _ x: [Int32], _ m: [Int32], _ s: [Int32], _ rounding: RescaleRounding) -> [Int32] {
        precondition(x.count % 8 == 0)
        var out = [Int32](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xb in m.withUnsafeBufferPointer { mb in s.withUnsafeBufferPointer { sb in
            out.withUnsafeMutableBufferPointer { ob in
                intrs_rescale(path.c, xb.baseAddress!, mb.baseAddress!, sb.baseAddress!, Int32(x.count), rounding == .double ? 1 : 0, ob.baseAddress!)
            }
        } } }
        return out
    }

    /// The lane-wise rescale equals `FastInt8Rescale` (itself proved equal to TOSA) on: every shift in [-31, 29]
    /// x every int16 accumulator (step 1 with INTRS_LONG_TESTS=1, else step 7 plus both ends) x 6 multipliers
    /// including both ends of [2^30, 2^31), lanes mixing shifts and multipliers; plus random int32 in the
    /// domain and the domain's edges. Both rounding variants. On the VNNI path the 16-lane blocks alternate
    /// between its two lane forms (rescale16, and rescale16z's Z_out-folded form on the lanes where it applies,
    /// with Z_out -128, 127, 0, -37, 1 subtracted again), so both are checked.
    @Test(arguments: Int8KernelPathTests.paths, RescaleRounding.allCases)
    func laneRescaleEqualsScalar(path: Int8KernelPath, rounding: RescaleRounding) {
        let multipliers = FastRescaleTests.multipliers
        var xs: [Int32] = [], ms: [Int32] = [], ss: [Int32] = []
        func add(_ v: Int32, _ m: Int32, _ s: Int32) {
            // TOSA precondition (validated models never leave it).
            let half = Int64(1) << (30 - Int64(s))
            guard Int64(v) >= -half && Int64(v) < half else { return }
            xs.append(v); ms.append(m); ss.append(s)
        }
        let step = Self.long ? 1 : 7
        var values = Array(stride(from: -32768, through: 32767, by: step))
        values += Array(-32768 ..< -32704) + Array(32704...32767)
        var lane = 0
        for s in Int32(-31)...29 {
            for v in values {
                // Rotate multipliers across lanes so that one vector mixes them.
                add(Int32(v), multipliers[lane % multipliers.count], s)
                lane += 1
            }
        }
        var r = Int8SplitMix64(seed: 0x1A4E_0001)
        for _ in 0..<(Self.long ? 2_000_000 : 100_000) {
            let s = Int32(r.int(-31...29))
            let m = r.chance(30) ? r.pick(multipliers) : Int32(r.int(Int8Model.multiplierRange))
            let half = min(Int64(1) << (30 - Int64(s)), Int64(1) << 31)
            let v: Int64
            switch r.int(0...5) {
            case 0: v = -half
            case 1: v = half - 1
            case 2: v = Int64(r.int(-3000...3000))
            default: v = Int64(r.int(Int(-half)...Int(half - 1)))
            }
            add(Int32(v), m, s)
        }
        while xs.count % 8 != 0 { add(0, 1 << 30, 0) }
        let got = Self.laneRescale(path, xs, ms, ss, rounding)
        var failures: [String] = []
        for i in xs.indices {
            let want = FastInt8Rescale.rescale(xs[i], multiplier: ms[i], shift: ss[i], rounding: rounding)
            if got[i] != want { failures.append("v=\(xs[i]) M0=\(ms[i]) shift=\(ss[i]): \(got[i]) != \(want)") }
            if failures.count > 5 { break }
        }
        #expect(failures.isEmpty, "\(path) \(rounding): \(failures)")
    }

    /// The packed GEMM equals its definition sum_k A[m][k] * W[n][k] for random shapes (M, N, K across the
    /// 4-row, 16/8-channel and odd-K tails), operands at the extremes (weights +-127, x - Z in [-255, 255]).
    @Test(arguments: Int8KernelPathTests.paths)
    func gemmEqualsDefinition(path: Int8KernelPath) {
        var r = Int8SplitMix64(seed: 0x6E44)
        var failures: [String] = []
        for trial in 0..<(Self.long ? 2000 : 200) {
            let m = r.int(1...37), n = r.int(1...70), k = r.int(1...130)
            let extreme = trial % 4 == 0
            let w: [Int8] = (0..<(n * k)).map { _ in Int8(extreme ? r.pick([-127, 127]) : r.int(-127...127)) }
            let lda = 2 * ((k + 1) / 2) + r.int(0...3)
            var a = [Int16](repeating: 0, count: m * lda)
            for row in 0..<m { for i in 0..<k { a[row * lda + i] = Int16(extreme ? r.pick([-255, 255]) : r.int(-255...255)) } }
            let packed = PackedInt8Weights(filter: w, outChannels: n, taps: 1, channels: k)
            let nPad = (n + 7) & ~7
            var acc = [Int32](repeating: 0, count: m * nPad)
            a.withUnsafeBufferPointer { ab in packed.words.withUnsafeBufferPointer { wb in acc.withUnsafeMutableBufferPointer { cb in
                intrs_gemm_s16(path.c, ab.baseAddress!, lda, Int32(m), wb.baseAddress!, Int32(k), Int32(n), cb.baseAddress!)
            } } }
            for row in 0..<m {
                for c in 0..<n {
                    var s: Int32 = 0
                    for i in 0..<k { s += Int32(w[c * k + i]) * Int32(a[row * lda + i]) }
                    if acc[row * nPad + c] != s { failures.append("M \(m) N \(n) K \(k) [\(row), \(c)]: \(acc[row * nPad + c]) != \(s)") }
                }
            }
            if failures.count > 3 { break }
        }
        #expect(failures.isEmpty, "\(path): \(failures.prefix(4))")
    }

    /// One random conv2d / depthwise / fullyConnected / pool layer with wide channels (16- and 8-channel
    /// panels, tails), random strides, dilations, paddings, zero points at -128 and 127, biases at the edge
    /// of the static bound, multipliers at the ends of [2^30, 2^31), tie-heavy multipliers (2^30 with small
    /// negative shifts: rescale is then a division by a power of two), both rounding variants, activation
    /// clamps with either bound inside [-128, 127].
    /// `conv` forces a conv2d layer with input channels, image sides, kernel sides and output channels drawn
    /// from its ranges (and no dilation along x when `dilationW` is false), for the shape-specific tests below;
    /// without it the draws are those of the general test.
    static func randomLayerModel(seed: UInt64, rounding: RescaleRounding, conv: ConvRanges? = nil) -> Int8Model {
        var r = Int8SplitMix64(seed: seed)
        let drawn = r.pick(["conv2d", "conv2d", "conv2d", "depthwiseConv2d", "fullyConnected", "averagePool2d", "maxPool2d"])
        let op = conv == nil ? drawn : "conv2d"
        let h = r.int(conv?.size ?? 1...9), w = r.int(conv?.size ?? 1...9)
        let c = r.int(conv?.channels ?? 1...(op == "conv2d" ? 20 : op.hasSuffix("Pool2d") ? 80 : 40))
        let zin = r.pick([-128, 127, 0, r.int(-128...127)])
        let zout = r.pick([-128, 127, r.int(-128...127)])
        let input = Int8InputSpec(shape: [h, w, c], zeroPoint: zin, gridMultiplier: r.pick([1, 1, 3]))
        var L = Int8Layer(op: op, outputShape: [], outputZeroPoint: zout)
        let a = Int64(max(abs(-128 - zin), abs(127 - zin)))
        func rescale(_ b0: [Int64]) {
            let extreme = r.chance(30)
            var bias: [Int32] = [], mult: [Int] = [], shift: [Int] = []
            for b in b0 {
                let room = Int64(Int32.max) - b
                var bb = extreme ? room - Int64(r.int(0...2)) : Int64(r.int(-5000...5000))
                bb = max(-room, min(room, bb))
                if extreme && r.chance(50) { bb = -bb }
                bias.append(Int32(bb))
                let total = abs(bb) + b
                let lg = total <= 1 ? 0 : 64 - (total - 1).leadingZeroBitCount
                let ties = r.chance(30)
                mult.append(ties ? 1 << 30 : r.pick([1 << 30, (1 << 31) - 1, r.int(Int8Model.multiplierRange)]))
                var s = ties ? -r.int(0...6) : 8 - lg + r.int(-3...3)
                s = min(s, 30 - lg - 1, 29); s = max(s, -31)
                shift.append(s)
            }
            L.bias = Int8Tensor(int32: bias, shape: [bias.count]); L.multiplier = mult; L.shift = shift
        }
        switch op {
        case "conv2d", "depthwiseConv2d":
            let dw = op == "depthwiseConv2d"
            let kh = r.int(conv?.kernel ?? 1...3), kw = r.int(conv?.kernel ?? 1...3)
            let mult = dw ? r.int(1...3) : 1
            let oc = dw ? c * mult : r.int(conv?.outChannels ?? 1...40)
            L.stride = [r.int(conv?.stride ?? 1...3), r.int(conv?.stride ?? 1...3)]
            L.dilation = r.chance(30) ? [r.int(1...3), r.int(1...3)] : [1, 1]
            if conv?.dilationW == false { L.dilation![1] = 1 }
            L.padding = r.pick(["same", "valid"])
            if (kh - 1) * L.dilation![0] + 1 > h || (kw - 1) * L.dilation![1] + 1 > w { L.padding = "same" }
            let fshape = dw ? [1, kh, kw, oc] : [oc, kh, kw, c]
            let wmax = r.pick([127, 127, 5])
            let f: [Int8] = (0..<fshape.reduce(1, *)).map { _ in Int8(r.chance(20) ? r.pick([-127, 127]) : r.int(-wmax...wmax)) }
            L.filter = Int8Tensor(int8: f, shape: fshape)
            if dw { L.depthMultiplier = mult }
            let k = kh * kw * c
            let b0: [Int64] = (0..<oc).map { o in
                (dw ? (0..<(kh * kw)).map { f[$0 * oc + o] } : (0..<k).map { f[o * k + $0] }).reduce(Int64(0)) { $0 + Int64(abs(Int($1))) } * a
            }
            rescale(b0)
            let p = Int8Padding(rawValue: L.padding!)!
            L.outputShape = [int8OutputSize(input: h, kernel: kh, stride: L.stride![0], dilation: L.dilation![0], padding: p)!.out,
                             int8OutputSize(input: w, kernel: kw, stride: L.stride![1], dilation: L.dilation![1], padding: p)!.out, oc]
        case "fullyConnected":
            let n = h * w * c, oc = r.int(1...40)
            let f: [Int8] = (0..<(oc * n)).map { _ in Int8(r.chance(20) ? r.pick([-127, 127]) : r.int(-127...127)) }
            L.filter = Int8Tensor(int8: f, shape: [oc, n])
            rescale((0..<oc).map { o in (0..<n).reduce(Int64(0)) { $0 + Int64(abs(Int(f[o * n + $1]))) } * a })
            L.outputShape = [oc]
        default:
            let kh = r.int(1...min(4, h)), kw = r.int(1...min(4, w))
            L.poolSize = [kh, kw]
            L.stride = [r.int(1...3), r.int(1...3)]
            L.padding = r.pick(["same", "valid"])
            L.outputZeroPoint = zin
            let p = Int8Padding(rawValue: L.padding!)!
            L.outputShape = [int8OutputSize(input: h, kernel: kh, stride: L.stride![0], dilation: 1, padding: p)!.out,
                             int8OutputSize(input: w, kernel: kw, stride: L.stride![1], dilation: 1, padding: p)!.out, c]
        }
        // Activation clamps: relu ([Z, 127]), relu6-like ([Z, amax] with amax below 127) and relu_n1_to_1-like
        // (any range around Z): the VNNI path skips its byte clamp only for [-128, 127], so every bound is
        // exercised.
        let z = L.outputZeroPoint
        switch r.int(0...9) {
        case 0...3:
            L.fusedActivation = "relu"; L.activationMin = max(-128, z); L.activationMax = 127
        case 4...5:
            L.fusedActivation = "relu6"; L.activationMin = max(-128, z); L.activationMax = r.int(max(-128, z)...127)
        case 6:
            L.fusedActivation = "relu_n1_to_1"; L.activationMin = r.int(-128...z); L.activationMax = r.int(z...127)
        default:
            break
        }
        var layers = [L]
        if L.outputShape.count != 1 {
            layers.append(Int8Layer(op: "flatten", outputShape: [L.outputShape.reduce(1, *)], outputZeroPoint: L.outputZeroPoint))
        }
        return Int8Model(name: "kernel-\(seed)", rounding: rounding, input: input, layers: layers)
    }

    /// Runs 11 random inputs of `m` (grids drawn from `r`) through the fast evaluator on `path` in chunks of
    /// `chunkSize` and through ReferenceInt8Evaluator; returns the indices of the inputs whose logits differ.
    static func mismatchedInputs(_ m: Int8Model, file: String, path: Int8KernelPath, chunkSize: Int,
                                 _ r: inout Int8SplitMix64) throws -> [Int] {
        let net = try m.validated(file: file)
        let fast = FastInt8Evaluator(network: net, threads: 1, chunkSize: chunkSize, kernel: path)
        let batch = 11
        var grids: [[Int]] = []
        for _ in 0..<batch { grids.append(Int8ModelGenerator.randomGrid(&r, model: m)) }
        let flat = grids.flatMap { $0.map { Int32(clamping: $0) } }
        var logits = [Int8](repeating: 0, count: batch * fast.classCount)
        flat.withUnsafeBufferPointer { g in logits.withUnsafeMutableBufferPointer { fast.logits(grid: g, batch: batch, logits: $0) } }
        var bad: [Int] = []
        for b in 0..<batch {
            let ref = try ReferenceInt8Evaluator.evaluate(net, grid: grids[b].map { Int(Int32(clamping: $0)) })
            let got = logits[(b * fast.classCount)..<((b + 1) * fast.classCount)].map { Int($0) }
            if got != ref.logits { bad.append(b) }
        }
        return bad
    }

    /// The whole evaluator on each path equals the reference on single random layers (above), several items
    /// per chunk (1 to 11: 8-row VNNI tiles full and partial) so that GEMM blocks straddle items; every logit
    /// compared.
    @Test(arguments: Int8KernelPathTests.paths, RescaleRounding.allCases)
    func randomLayersEqualReference(path: Int8KernelPath, rounding: RescaleRounding) throws {
        var r = Int8SplitMix64(seed: 0xFACE)
        var failures: [String] = []
        var ops: [String: Int] = [:]
        for k in 0..<(Self.long ? 3000 : 250) {
            let seed = UInt64(k) &* 104_729 &+ (rounding == .double ? 11 : 12)
            let m = Self.randomLayerModel(seed: seed, rounding: rounding)
            ops[m.layers[0].op, default: 0] += 1
            let bad = try Self.mismatchedInputs(m, file: "kernel-\(seed)", path: path, chunkSize: 1 + k % 11, &r)
            failures += bad.map { "seed \(seed) (\(m.layers[0].op), \(rounding)), input \($0)" }
            if failures.count > 3 { break }
        }
        #expect(failures.isEmpty, "\(path): \(failures)")
        #expect(ops.count == 5, "\(ops)")
    }

    /// Ranges of a forced conv2d layer (randomLayerModel).
    struct ConvRanges {
        var channels: ClosedRange<Int>
        var size: ClosedRange<Int>
        var kernel: ClosedRange<Int>
        var outChannels: ClosedRange<Int>
        var stride: ClosedRange<Int>
        var dilationW: Bool
    }

    /// Conv2d layers shaped for the VNNI path's software-pipelined panel loops (K of at least 16 quads:
    /// 8 to 40 input channels, 2x2 and 3x3 kernels; images up to 12 x 12, so a panel spans many 8-row tiles
    /// and tiles span items; 1 to 70 output channels: 32- and 16-channel panels, tails), with the general
    /// test's zero points, biases, multipliers, shifts, clamps and both roundings, 11 items in chunks of 1 to
    /// 11; every logit compared with the reference on every path.
    @Test(arguments: Int8KernelPathTests.paths, RescaleRounding.allCases)
    func pipelinedConvLayersEqualReference(path: Int8KernelPath, rounding: RescaleRounding) throws {
        let ranges = ConvRanges(channels: 8...40, size: 4...12, kernel: 2...3, outChannels: 1...70, stride: 1...2, dilationW: true)
        try Self.convLayersEqualReference(path: path, rounding: rounding, ranges: ranges, count: Self.long ? 400 : 30, salt: 21)
    }

    /// Conv2d layers shaped for the VNNI path's lanes kernel (vnni_lanes.c: 16 output pixels in the lanes, for a
    /// short K): 1 to 3 input channels, images 16 to 26 wide (rows of at least 16 output pixels, and partial
    /// 16-pixel blocks), 1x1 to 3x3 kernels, strides 1 and 2, no dilation along x, 1 to 40 output channels
    /// (32- and 16-channel panels, tails), with the general test's zero points, biases, multipliers (ties
    /// included), shifts (folded and not), clamps (ReLU with Z_out = act_min, where that kernel leaves out the
    /// double rounding's sign correction) and both roundings, 11 items in chunks of 1 to 11; every logit compared
    /// with the reference on every path. Where this CPU runs the lanes kernel (its layers' VNNI weights are
    /// packed dense, one run of K) it must have run on at least a third of these layers.
    @Test(arguments: Int8KernelPathTests.paths, RescaleRounding.allCases)
    func laneConvLayersEqualReference(path: Int8KernelPath, rounding: RescaleRounding) throws {
        let ranges = ConvRanges(channels: 1...3, size: 16...26, kernel: 1...3, outChannels: 1...40, stride: 1...2, dilationW: false)
        let count = Self.long ? 300 : 24
        var dense = 0
        try Self.convLayersEqualReference(path: path, rounding: rounding, ranges: ranges, count: count, salt: 33) { m in
            if Self.vnniPacksDense(m) { dense += 1 }
        }
        if Self.vnniPacksDense(Self.cifarConv1) { #expect(dense * 3 >= count, "lanes kernel ran on \(dense) of \(count) layers") }
    }

    /// The lanes kernel with exactly 32 output channels (conv1's count), where it stores each full 16-pixel block
    /// in two halves during the next group's K loop (also across rows and items, and whole at the layer's end):
    /// conv2d layers as in laneConvLayersEqualReference with images 16 to 40 wide (one or two full blocks per row
    /// and partial ones), 11 items in chunks of 1 to 11, every logit compared with the reference on every path.
    @Test(arguments: Int8KernelPathTests.paths, RescaleRounding.allCases)
    func laneConv32LayersEqualReference(path: Int8KernelPath, rounding: RescaleRounding) throws {
        let ranges = ConvRanges(channels: 1...3, size: 16...40, kernel: 1...3, outChannels: 32...32, stride: 1...2, dilationW: false)
        var dense = 0
        try Self.convLayersEqualReference(path: path, rounding: rounding, ranges: ranges, count: Self.long ? 100 : 10, salt: 35) { m in
            if Self.vnniPacksDense(m) { dense += 1 }
        }
        if Self.vnniPacksDense(Self.cifarConv1) { #expect(dense >= 3, "lanes kernel ran on \(dense) layers") }
    }

    /// The lanes kernel's requantisation near rounding boundaries: conv2d layers as in laneConvLayersEqualReference
    /// but with small weights (-3...3) and biases (-60...60), so that most accumulators, negative ones included, land
    /// inside the unsaturated output range, multipliers 2^30 (ties) or near 2^31 and shifts -1 to -4 (the folded
    /// form on every channel, both roundings: rounding boundaries every 2 to 16 accumulator steps), zero points at
    /// -128, 127 or between, and clamps none, ReLU (Z_out = act_min: the double rounding's sign correction left
    /// out) or a range around Z_out (correction kept; act_min = Z_out - 1 included); 11 items, every logit compared
    /// with the reference.
    @Test(arguments: Int8KernelPathTests.paths, RescaleRounding.allCases)
    func laneConvTiesEqualReference(path: Int8KernelPath, rounding: RescaleRounding) throws {
        var r = Int8SplitMix64(seed: 0x1A5E &+ (rounding == .double ? 1 : 2))
        var failures: [String] = []
        for k in 0..<(Self.long ? 200 : 16) {
            let c = r.int(1...3), h = r.int(3...5), w = r.int(16...24), oc = r.int(1...40)
            let kh = r.int(1...3), kw = r.pick([3, 3, 2, 1].filter { $0 * c >= 3 })
            let zin = r.pick([-128, 127, r.int(-128...127)]), zout = r.pick([-128, 127, r.int(-128...127)])
            var L = Int8Layer(op: "conv2d", outputShape: [h, w, oc], outputZeroPoint: zout)
            L.filter = Int8Tensor(int8: (0..<(oc * kh * kw * c)).map { _ in Int8(r.int(-3...3)) }, shape: [oc, kh, kw, c])
            L.bias = Int8Tensor(int32: (0..<oc).map { _ in Int32(r.int(-60...60)) }, shape: [oc])
            L.multiplier = (0..<oc).map { _ in r.pick([1 << 30, 1 << 30, (1 << 31) - 1, r.int(Int8Model.multiplierRange)]) }
            L.shift = (0..<oc).map { _ in -r.int(1...4) }
            L.stride = [1, 1]; L.dilation = [1, 1]; L.padding = "same"
            switch r.int(0...3) {
            case 0: L.fusedActivation = "relu"; L.activationMin = zout; L.activationMax = 127
            case 1: L.fusedActivation = "relu_n1_to_1"; L.activationMin = r.int(-128...zout); L.activationMax = r.int(zout...127)
            case 2: L.fusedActivation = "relu_n1_to_1"; L.activationMin = max(-128, zout - 1); L.activationMax = 127
            default: break
            }
            let flat = Int8Layer(op: "flatten", outputShape: [h * w * oc], outputZeroPoint: zout)
            let m = Int8Model(name: "lane-ties-\(k)", rounding: rounding,
                              input: Int8InputSpec(shape: [h, w, c], zeroPoint: zin, gridMultiplier: 1), layers: [L, flat])
            let bad = try Self.mismatchedInputs(m, file: "lane-ties-\(k)", path: path, chunkSize: 1 + k % 11, &r)
            failures += bad.map { "model \(k) (\([h, w, c]) -> \(oc), \(kh)x\(kw), \(rounding)), input \($0)" }
            if failures.count > 3 { break }
        }
        #expect(failures.isEmpty, "\(path): \(failures)")
    }

    /// A conv2d whose input range excludes -128 (it follows a ReLU with Z = 100: range [100, 127], so the
    /// validator bounds |bias| + 27 sum |w|, not the all -128 input), with biases at that bound and opposite in
    /// sign to sum w: the VNNI path's bias - (Z_in + 128) sum w then exceeds int32 and wraps, while every true
    /// accumulator fits. vnni_lanes.c folded that wrapped bias into its 64-bit constant (accumulators from 0:
    /// an error of 2^32 M0, every byte wrong) for single rounding and for double rounding under a ReLU floor;
    /// it must start the accumulators at the bias there (KERN-1, "Output pixels in lanes"). Shapes that hit the
    /// lanes kernel (3 channels, 3x3 and 1x3, 16 to 40 wide, 1 to 40 output channels incl. 32); both roundings,
    /// clamps none and ReLU; 11 items, every logit compared with the reference.
    @Test(arguments: Int8KernelPathTests.paths, RescaleRounding.allCases)
    func wrappedFoldedBiasEqualsReference(path: Int8KernelPath, rounding: RescaleRounding) throws {
        var r = Int8SplitMix64(seed: 0xB1A5 &+ (rounding == .double ? 1 : 2))
        var failures: [String] = []
        for k in 0..<8 {
            let h = r.int(3...5), w = r.int(16...40), oc = r.pick([1, 32, r.int(1...40)])
            let kh = r.pick([3, 1]), kw = 3, c = 3, z = 100
            var L0 = Int8Layer(op: "conv2d", outputShape: [h, w, c], outputZeroPoint: z)
            L0.filter = Int8Tensor(int8: (0..<(c * c)).map { _ in Int8(r.int(-127...127)) }, shape: [c, 1, 1, c])
            L0.bias = Int8Tensor(int32: [Int32](repeating: 0, count: c), shape: [c])
            L0.multiplier = [Int](repeating: 1 << 30, count: c); L0.shift = [Int](repeating: -7, count: c)
            L0.stride = [1, 1]; L0.dilation = [1, 1]; L0.padding = "same"
            L0.fusedActivation = "relu"; L0.activationMin = z; L0.activationMax = 127
            var L = Int8Layer(op: "conv2d", outputShape: [h, w, oc], outputZeroPoint: r.pick([0, -128, 127, 100]))
            let kk = kh * kw * c
            let f: [Int8] = (0..<(oc * kk)).map { _ in Int8(r.chance(70) ? r.pick([-127, 127]) : r.int(-127...127)) }
            L.filter = Int8Tensor(int8: f, shape: [oc, kh, kw, c])
            L.bias = Int8Tensor(int32: (0..<oc).map { o in
                let row = f[(o * kk)..<((o + 1) * kk)]
                let sumAbs = row.reduce(0) { $0 + abs(Int($1)) }, sum = row.reduce(0) { $0 + Int($1) }
                let room = Int(Int32.max) - sumAbs * 27 - r.int(0...2)
                return Int32(sum <= 0 ? room : -room)
            }, shape: [oc])
            L.multiplier = (0..<oc).map { _ in r.pick([1 << 30, (1 << 31) - 1, r.int(Int8Model.multiplierRange)]) }
            L.shift = (0..<oc).map { _ in -r.int(1...23) }
            L.stride = [1, 1]; L.dilation = [1, 1]; L.padding = "same"
            if r.chance(50) { L.fusedActivation = "relu"; L.activationMin = max(-128, L.outputZeroPoint); L.activationMax = 127 }
            let flat = Int8Layer(op: "flatten", outputShape: [h * w * oc], outputZeroPoint: L.outputZeroPoint)
            let m = Int8Model(name: "wrapped-bias-\(k)", rounding: rounding,
                              input: Int8InputSpec(shape: [h, w, c], zeroPoint: 0, gridMultiplier: 1), layers: [L0, L, flat])
            let bad = try Self.mismatchedInputs(m, file: "wrapped-bias-\(k)", path: path, chunkSize: 1 + k % 11, &r)
            failures += bad.map { "model \(k) (\([h, w, c]) -> \(oc), \(kh)x\(kw), \(rounding)), input \($0)" }
            if failures.count > 3 { break }
        }
        #expect(failures.isEmpty, "\(path): \(failures)")
    }

    /// The requantisation of vnni.c's tiles (tile32 / tile16 for a short K, the pipelined panel loops for K of at
    /// least 16 quads, and fullyConnected) near rounding boundaries: as laneConvTiesEqualReference (small weights
    /// -2...2, about 24 nonzero per output channel, and biases -60...60, multipliers 2^30 or near 2^31, shifts -1 to -6: the Z_out-folded form on every
    /// channel, both roundings; Z_out at -128, 127 or between; clamps none, ReLU with Z_out = act_min (the double
    /// rounding's sign correction left out), a range around Z_out, or act_min = Z_out - 1 (correction kept)), with
    /// 4 to 40 input channels, 1x1 to 3x3 kernels, 1 to 70 output channels (32- and 16-channel panels, tails) on
    /// images of 3 to 6 x 4 to 12 pixels (tiles span items), and one model in four a fullyConnected layer on the
    /// flattened input; 11 items in chunks of 1 to 11, every logit compared with the reference.
    @Test(arguments: Int8KernelPathTests.paths, RescaleRounding.allCases)
    func tileTiesEqualReference(path: Int8KernelPath, rounding: RescaleRounding) throws {
        var r = Int8SplitMix64(seed: 0x711E &+ (rounding == .double ? 1 : 2))
        var failures: [String] = []
        for k in 0..<(Self.long ? 200 : 24) {
            let c = r.int(4...40), h = r.int(3...6), w = r.int(4...12), oc = r.int(1...70)
            let kh = r.int(1...3), kw = r.int(1...3)
            let fc = k % 4 == 3
            let zin = r.pick([-128, 127, r.int(-128...127)]), zout = r.pick([-128, 127, r.int(-128...127)])
            var L = Int8Layer(op: fc ? "fullyConnected" : "conv2d", outputShape: fc ? [oc] : [h, w, oc], outputZeroPoint: zout)
            let fshape = fc ? [oc, h * w * c] : [oc, kh, kw, c]
            // About 24 nonzero weights per output channel whatever K, so that the accumulators spread as little
            // as in the lanes test and many land on the ties next to zero.
            let kin = fshape.reduce(1, *) / oc, nonzero = max(1, min(100, 2400 / kin))
            L.filter = Int8Tensor(int8: (0..<fshape.reduce(1, *)).map { _ in r.chance(nonzero) ? Int8(r.int(-2...2)) : 0 }, shape: fshape)
            L.bias = Int8Tensor(int32: (0..<oc).map { _ in Int32(r.int(-60...60)) }, shape: [oc])
            L.multiplier = (0..<oc).map { _ in r.pick([1 << 30, 1 << 30, (1 << 31) - 1, r.int(Int8Model.multiplierRange)]) }
            L.shift = (0..<oc).map { _ in -r.int(1...6) }
            if !fc { L.stride = [1, 1]; L.dilation = [1, 1]; L.padding = "same" }
            switch r.int(0...3) {
            case 0: L.fusedActivation = "relu"; L.activationMin = zout; L.activationMax = 127
            case 1: L.fusedActivation = "relu_n1_to_1"; L.activationMin = r.int(-128...zout); L.activationMax = r.int(zout...127)
            case 2: L.fusedActivation = "relu_n1_to_1"; L.activationMin = max(-128, zout - 1); L.activationMax = 127
            default: break
            }
            var layers = [L]
            if !fc { layers.append(Int8Layer(op: "flatten", outputShape: [h * w * oc], outputZeroPoint: zout)) }
            let m = Int8Model(name: "tile-ties-\(k)", rounding: rounding,
                              input: Int8InputSpec(shape: [h, w, c], zeroPoint: zin, gridMultiplier: 1), layers: layers)
            let bad = try Self.mismatchedInputs(m, file: "tile-ties-\(k)", path: path, chunkSize: 1 + k % 11, &r)
            failures += bad.map { "model \(k) (\([h, w, c]) -> \(oc), \(fc ? "fc" : "\(kh)x\(kw)"), \(rounding)), input \($0)" }
            if failures.count > 3 { break }
        }
        #expect(failures.isEmpty, "\(path): \(failures)")
    }

    /// The lanes kernel runs (the benchmark CNN's conv1 packed dense) exactly when intrs_vnni_lanes_enabled says so:
    /// a CPU with AVX512_VBMI and INTRS_VNNI_LANES not "off". CI runs these tests once more with INTRS_VNNI_LANES=off,
    /// so that vnni.c's tiles, which a CPU with AVX-512 VNNI but no VBMI runs on such layers, are tested too.
    @Test func lanesKernelFollowsItsSwitch() {
        guard Int8KernelPath.avx512vnni.isSupported else { return }
        let off = ProcessInfo.processInfo.environment["INTRS_VNNI_LANES"] == "off"
        #expect(Self.vnniPacksDense(Self.cifarConv1) == (intrs_vnni_lanes_enabled() != 0))
        if off { #expect(intrs_vnni_lanes_enabled() == 0) }
    }

    /// The benchmark CNN's first layer (32 x 32 x 3, 3x3 same, 32 channels) as a one-layer model, for
    /// vnniPacksDense.
    static let cifarConv1: Int8Model = {
        var L = Int8Layer(op: "conv2d", outputShape: [32, 32, 32], outputZeroPoint: -128)
        L.filter = Int8Tensor(int8: [Int8](repeating: 1, count: 32 * 27), shape: [32, 3, 3, 3])
        L.stride = [1, 1]; L.dilation = [1, 1]; L.padding = "same"
        return Int8Model(name: "conv1", rounding: .double, input: Int8InputSpec(shape: [32, 32, 3], zeroPoint: -128, gridMultiplier: 1),
                         layers: [L])
    }()

    /// Whether the VNNI path packs the first (conv2d) layer of `m` dense (one run of K inputs:
    /// intrs_conv2d_weight_runs), i.e. runs it with vnni_lanes.c.
    static func vnniPacksDense(_ m: Int8Model) -> Bool {
        guard Int8KernelPath.avx512vnni.isSupported, let L = m.layers.first, L.op == "conv2d", let f = L.filter else { return false }
        let fs = f.shape, ins = m.input.shape
        var s = intrs_conv_shape()
        s.in_h = Int32(ins[0]); s.in_w = Int32(ins[1]); s.in_c = Int32(ins[2])
        s.out_h = Int32(L.outputShape[0]); s.out_w = Int32(L.outputShape[1]); s.out_c = Int32(L.outputShape[2])
        s.kernel_h = Int32(fs[1]); s.kernel_w = Int32(fs[2])
        s.stride_h = Int32(L.stride?[0] ?? 1); s.stride_w = Int32(L.stride?[1] ?? 1)
        s.dilation_h = Int32(L.dilation?[0] ?? 1); s.dilation_w = Int32(L.dilation?[1] ?? 1)
        var runs: Int32 = 0, length: Int32 = 0
        intrs_conv2d_weight_runs(INTRS_KERNEL_AVX512_VNNI, &s, &runs, &length)
        return runs == 1 && Int(length) == fs[1] * fs[2] * fs[3]
    }

    static func convLayersEqualReference(path: Int8KernelPath, rounding: RescaleRounding, ranges: ConvRanges, count: Int,
                                         salt: UInt64, each: (Int8Model) -> Void = { _ in }) throws {
        var r = Int8SplitMix64(seed: 0xC0DE &+ salt)
        var failures: [String] = []
        for k in 0..<count {
            let seed = UInt64(k) &* 15_485_863 &+ salt &+ (rounding == .double ? 1 : 2)
            let m = randomLayerModel(seed: seed, rounding: rounding, conv: ranges)
            each(m)
            let bad = try mismatchedInputs(m, file: "conv-\(seed)", path: path, chunkSize: 1 + k % 11, &r)
            failures += bad.map { "seed \(seed) (\(m.input.shape) -> \(m.layers[0].outputShape), \(rounding)), input \($0)" }
            if failures.count > 3 { break }
        }
        #expect(failures.isEmpty, "\(path): \(failures)")
    }

    /// INTRS_KERNEL parsing: unset picks the fastest path; names are exact; unknown names and unsupported
    /// paths are errors that name the variable and the value.
    @Test func environmentSelection() throws {
        #expect(try Int8KernelPath.fromEnvironment([:]) == Int8KernelPath.fastest)
        #expect(try Int8KernelPath.fromEnvironment(["INTRS_KERNEL": "portable"]) == .portable)
        #expect(throws: Int8KernelPathError.unknown("AVX2")) { try Int8KernelPath.fromEnvironment(["INTRS_KERNEL": "AVX2"]) }
        #expect(Int8KernelPathError.unknown("x").description.contains("INTRS_KERNEL = \"x\""))
        if Int8KernelPath.avx2.isSupported {
            #expect(try Int8KernelPath.fromEnvironment(["INTRS_KERNEL": "avx2"]) == .avx2)
        } else {
            #expect(throws: Int8KernelPathError.unsupported(.avx2)) { try Int8KernelPath.fromEnvironment(["INTRS_KERNEL": "avx2"]) }
        }
    }
}
