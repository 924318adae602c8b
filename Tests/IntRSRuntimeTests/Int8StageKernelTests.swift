import CIntRSKernels
import Foundation
import Testing
import IntRSCore
import IntRSReference
@testable import IntRSRuntime

/// The stages around the convolutions on every kernel path this CPU supports: the input stage
/// (`intrs_quantize_input`) and max pools of the shape that the AVX-512 VNNI path runs on its own code
/// (2 x 2 windows, stride 2, all inside, channels a multiple of 32: CIntRSKernels/vnni_stages.c), bit for
/// bit against the reference. Proof: KERN-1 ("Add and the input stage", "Pools").
@Suite("Int8 input stage and max pool equal the reference")
struct Int8StageKernelTests {
    /// `intrs_quantize_input` equals `ReferenceInt8Ops.quantizeInput` on every grid value in [-600, 600] and the
    /// int32 extremes, for zero points at both ends and inside, multipliers 1 to 2^22 + 1 (the vector form's
    /// range ends at 2^22) and counts that leave tails of every length after the 64- and 16-value blocks.
    @Test(arguments: Int8KernelPath.supported)
    func inputStageEqualsReference(path: Int8KernelPath) {
        var grid: [Int32] = Array(-600...600).map { Int32($0) }
        grid += [Int32.min, Int32.min + 1, -100_000, -65_537, -257, -256, -255, 255, 256, 257, 65_537, 100_000, Int32.max - 1, Int32.max]
        var r = Int8SplitMix64(seed: 0x1A9)
        for _ in 0..<300 { grid.append(Int32(truncatingIfNeeded: r.int(Int(Int32.min)...Int(Int32.max)))) }
        var failures: [String] = []
        for zero in [-128, -127, -1, 0, 1, 3, 126, 127] {
            for m in [1, 2, 3, 7, 255, 256, 257, 65_535, 65_536, 1 << 22, (1 << 22) + 1] {
                for count in [grid.count, 1, 15, 16, 17, 63, 64, 65, 79] {
                    let g = Array(grid.suffix(count))
                    var out = [Int8](repeating: 0x55, count: count + 16)
                    g.withUnsafeBufferPointer { gb in
                        out.withUnsafeMutableBufferPointer { ob in
                            intrs_quantize_input(path.c, gb.baseAddress!, count, Int32(zero), Int32(m), ob.baseAddress!)
                        }
                    }
                    for i in 0..<count {
                        let want = ReferenceInt8Ops.quantizeInput(Int(g[i]), zeroPoint: zero, gridMultiplier: m)
                        if Int(out[i]) != want { failures.append("Z \(zero) m \(m) g \(g[i]): \(out[i]) != \(want)") }
                    }
                    // Nothing past the end is written.
                    if out[count...].contains(where: { $0 != 0x55 }) { failures.append("Z \(zero) m \(m) count \(count): wrote past the end") }
                    if failures.count > 5 { break }
                }
            }
        }
        #expect(failures.isEmpty, "\(path): \(failures.prefix(6))")
    }

    /// Max pools 2 x 2 / stride 2 / VALID on even and odd image sizes (a last column or row the windows do not
    /// reach), channels 32, 64, 96 and 128 (the VNNI path's own code: two output pixels per vector for 32) and
    /// 16, 33, 48 (its per-item code), activation clamps [-128, 127], relu-like, relu6-like and narrow ones; and
    /// SAME padding (partial windows at the border: the per-item code). The whole evaluator on each path, 1 to 9
    /// items per chunk, equals the reference on every output byte.
    @Test(arguments: Int8KernelPath.supported)
    func maxPool2x2EqualsReference(path: Int8KernelPath) throws {
        var r = Int8SplitMix64(seed: 0x9001)
        var failures: [String] = []
        var cases = 0
        for c in [32, 64, 96, 128, 16, 33, 48] {
            for (h, w) in [(2, 2), (2, 4), (4, 6), (5, 7), (8, 8), (9, 3), (16, 16)] {
                for act in 0..<4 {
                    for padding in ["valid", "same"] where padding == "valid" || act == 0 {
                        let zin = r.pick([-128, 127, r.int(-128...127)])
                        var L = Int8Layer(op: "maxPool2d", outputShape: [], outputZeroPoint: zin)
                        L.poolSize = [2, 2]; L.stride = [2, 2]; L.padding = padding
                        let p = Int8Padding(rawValue: padding)!
                        L.outputShape = [int8OutputSize(input: h, kernel: 2, stride: 2, dilation: 1, padding: p)!.out,
                                         int8OutputSize(input: w, kernel: 2, stride: 2, dilation: 1, padding: p)!.out, c]
                        switch act {
                        case 1: L.fusedActivation = "relu"; L.activationMin = max(-128, zin); L.activationMax = 127
                        case 2: L.fusedActivation = "relu6"; L.activationMin = max(-128, zin); L.activationMax = r.int(max(-128, zin)...127)
                        case 3: L.fusedActivation = "relu_n1_to_1"; L.activationMin = r.int(-128...zin); L.activationMax = r.int(zin...127)
                        default: break
                        }
                        let flat = Int8Layer(op: "flatten", outputShape: [L.outputShape.reduce(1, *)], outputZeroPoint: zin)
                        let m = Int8Model(name: "pool", rounding: .double,
                                          input: Int8InputSpec(shape: [h, w, c], zeroPoint: zin, gridMultiplier: 1), layers: [L, flat])
                        let net = try m.validated(file: "pool")
                        let fast = FastInt8Evaluator(network: net, threads: 1, chunkSize: 1 + cases % 9, kernel: path)
                        let batch = 10
                        var grids: [[Int]] = []
                        for _ in 0..<batch { grids.append((0..<(h * w * c)).map { _ in r.int(-140...140) - zin }) }
                        let flatGrid = grids.flatMap { $0.map { Int32($0) } }
                        var logits = [Int8](repeating: 0, count: batch * fast.classCount)
                        flatGrid.withUnsafeBufferPointer { g in logits.withUnsafeMutableBufferPointer { fast.logits(grid: g, batch: batch, logits: $0) } }
                        for b in 0..<batch {
                            let ref = try ReferenceInt8Evaluator.evaluate(net, grid: grids[b])
                            let got = logits[(b * fast.classCount)..<((b + 1) * fast.classCount)].map { Int($0) }
                            if got != ref.logits { failures.append("C \(c) \(h)x\(w) \(padding) act \(act) item \(b)") }
                        }
                        cases += 1
                    }
                }
            }
            if failures.count > 3 { break }
        }
        #expect(failures.isEmpty, "\(path): \(failures.prefix(4))")
        #expect(cases == 7 * 7 * 5)
    }
}
