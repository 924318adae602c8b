import CIntRSKernels
import Foundation
import Testing
import IntRSCore
@testable import IntRSFloatBaseline

/// The blocked float GEMM and convolution (CIntRSKernels, include/CIntRSFloatKernels.h) against plain Swift
/// loops, on every float kernel path this CPU runs. The rounding contract makes the comparison exact: each
/// output is act(bias + acc) with acc = one fused multiply-add per product (`addingProduct`) in patch order
/// from +0, so the plain loop below and every path give the same float bits (compared as bit patterns).
@Suite("float32 baseline: blocked GEMM equals the plain fma loop")
struct FloatKernelTests {
    /// A plain activation, as `FloatEvaluator.activate`.
    static func activate(_ x: Float, _ a: Int32) -> Float {
        switch a {
        case 1: return max(0, x)
        case 2: return min(max(0, x), 6)
        case 3: return min(max(-1, x), 1)
        default: return x
        }
    }

    /// The reference: one fma chain per output, bias added after, then the activation.
    static func plainDot(_ a: ArraySlice<Float>, _ w: ArraySlice<Float>) -> Float {
        var acc: Float = 0
        for (x, y) in zip(a, w) { acc = acc.addingProduct(x, y) }
        return acc
    }

    static func randomFloats(_ n: Int, _ r: inout Int8SplitMix64) -> [Float] {
        (0..<n).map { _ in Float(Int(r.next() % 2001) - 1000) / 337 * (r.next() % 7 == 0 ? 1e-3 : 1) }
    }

    static func bits(_ xs: [Float]) -> [UInt32] { xs.map(\.bitPattern) }

    /// "" when `got` and `want` have the same bits, else the count and the first differing element.
    static func difference(_ got: [Float], _ want: [Float]) -> String {
        let bad = got.indices.filter { got[$0].bitPattern != want[$0].bitPattern }
        guard let i = bad.first else { return "" }
        return "\(bad.count) of \(got.count) outputs differ; first at \(i): \(got[i]) vs the plain loop's \(want[i])"
    }

    @Test("GEMM: random M, K, N (tails of the 6 x 16 tile), bias or none, every activation, every path")
    func gemmEqualsPlainLoop() {
        var r = Int8SplitMix64(seed: 7)
        for trial in 0..<60 {
            let m = 1 + Int(r.next() % 20), k = 1 + Int(r.next() % 90), n = 1 + Int(r.next() % 45)
            let lda = k + Int(r.next() % 3), ldc = n + Int(r.next() % 3)
            let act = Int32(r.next() % 4), useBias = trial % 5 != 0
            let a = Self.randomFloats(m * lda, &r), w = Self.randomFloats(n * k, &r), bias = Self.randomFloats(n, &r)
            var expected = [Float](repeating: -7, count: m * ldc)
            for i in 0..<m {
                for c in 0..<n {
                    let acc = Self.plainDot(a[(i * lda)..<(i * lda + k)], w[(c * k)..<(c * k + k)])
                    expected[i * ldc + c] = Self.activate(useBias ? bias[c] + acc : acc, act)
                }
            }
            var packed = [Float](repeating: .nan, count: intrs_f32_packed_floats(Int32(n), Int32(k)))
            intrs_f32_pack_weights(w, Int32(n), Int32(k), &packed)
            for path in FloatKernelPath.supported {
                var out = [Float](repeating: -7, count: m * ldc)
                bias.withUnsafeBufferPointer { bb in
                    intrs_f32_gemm(path.c, a, lda, Int32(m), packed, Int32(k), Int32(n), useBias ? bb.baseAddress : nil, act, &out, ldc)
                }
                let diff = Self.difference(out, expected)
                #expect(diff.isEmpty, "trial \(trial) path \(path.rawValue): m \(m) k \(k) n \(n) act \(act): \(diff)")
            }
        }
    }

    @Test("conv2d: random shapes, strides, dilations, paddings and batches, every path")
    func convEqualsPlainLoop() {
        var r = Int8SplitMix64(seed: 11)
        for trial in 0..<40 {
            var s = intrs_f32_conv_shape()
            s.in_h = Int32(1 + r.next() % 9); s.in_w = Int32(1 + r.next() % 9); s.in_c = Int32(1 + r.next() % 7)
            s.kernel_h = Int32(1 + r.next() % 3); s.kernel_w = Int32(1 + r.next() % 3)
            s.stride_h = Int32(1 + r.next() % 2); s.stride_w = Int32(1 + r.next() % 2)
            s.dilation_h = Int32(1 + r.next() % 2); s.dilation_w = Int32(1 + r.next() % 2)
            s.pad_top = Int32(r.next() % 3); s.pad_left = Int32(r.next() % 3)
            s.out_h = Int32(1 + r.next() % 8); s.out_w = Int32(1 + r.next() % 8); s.out_c = Int32(1 + r.next() % 40)
            let items = 1 + Int(r.next() % 4), act = Int32(r.next() % 4)
            let (ih, iw, ic) = (Int(s.in_h), Int(s.in_w), Int(s.in_c)), (oh, ow, oc) = (Int(s.out_h), Int(s.out_w), Int(s.out_c))
            let (kh, kw) = (Int(s.kernel_h), Int(s.kernel_w))
            let k = kh * kw * ic, inStride = ih * iw * ic + 5, outStride = oh * ow * oc + 3
            let input = Self.randomFloats(items * inStride, &r), w = Self.randomFloats(oc * k, &r), bias = Self.randomFloats(oc, &r)
            var expected = [Float](repeating: -7, count: items * outStride)
            for b in 0..<items {
                for oy in 0..<oh { for ox in 0..<ow {
                    var patch: [Float] = []
                    for ky in 0..<kh { for kx in 0..<kw {
                        let iy = oy * Int(s.stride_h) - Int(s.pad_top) + ky * Int(s.dilation_h)
                        let ix = ox * Int(s.stride_w) - Int(s.pad_left) + kx * Int(s.dilation_w)
                        for ci in 0..<ic {
                            patch.append(iy >= 0 && iy < ih && ix >= 0 && ix < iw ? input[b * inStride + (iy * iw + ix) * ic + ci] : 0)
                        }
                    } }
                    for c in 0..<oc {
                        let acc = Self.plainDot(patch[...], w[(c * k)..<(c * k + k)])
                        expected[b * outStride + (oy * ow + ox) * oc + c] = Self.activate(bias[c] + acc, act)
                    }
                } }
            }
            var packed = [Float](repeating: .nan, count: intrs_f32_packed_floats(Int32(oc), Int32(k)))
            intrs_f32_pack_weights(w, Int32(oc), Int32(k), &packed)
            var scratch = [Float](repeating: .nan, count: intrs_f32_conv2d_scratch(&s))
            for path in FloatKernelPath.supported {
                var out = [Float](repeating: -7, count: items * outStride)
                intrs_f32_conv2d(path.c, &s, input, inStride, Int32(items), packed, bias, act, &out, outStride, &scratch)
                let diff = Self.difference(out, expected)
                #expect(diff.isEmpty, "trial \(trial) path \(path.rawValue): \(diff)")
            }
        }
    }

    @Test("pools: random shapes, paddings (taps outside skipped), max and average, every activation = the plain per-channel loop")
    func poolEqualsPlainLoop() {
        var r = Int8SplitMix64(seed: 13)
        for trial in 0..<40 {
            var s = intrs_f32_pool_shape()
            s.in_h = Int32(1 + r.next() % 9); s.in_w = Int32(1 + r.next() % 9); s.channels = Int32(1 + r.next() % 300)
            s.pool_h = Int32(1 + r.next() % 3); s.pool_w = Int32(1 + r.next() % 3)
            s.stride_h = Int32(1 + r.next() % 2); s.stride_w = Int32(1 + r.next() % 2)
            s.pad_top = Int32(r.next() % 2); s.pad_left = Int32(r.next() % 2)
            s.out_h = Int32(1 + r.next() % 5); s.out_w = Int32(1 + r.next() % 5)
            let isMax = trial % 2 == 0, act = Int32(r.next() % 4)
            let (ih, iw, ch) = (Int(s.in_h), Int(s.in_w), Int(s.channels)), (oh, ow) = (Int(s.out_h), Int(s.out_w))
            let input = Self.randomFloats(ih * iw * ch, &r)
            var expected = [Float](repeating: -7, count: oh * ow * ch)
            for oy in 0..<oh { for ox in 0..<ow { for c in 0..<ch {
                var sum: Float = 0, best = -Float.infinity, cnt: Float = 0
                for ky in 0..<Int(s.pool_h) {
                    let iy = oy * Int(s.stride_h) - Int(s.pad_top) + ky
                    if iy < 0 || iy >= ih { continue }
                    for kx in 0..<Int(s.pool_w) {
                        let ix = ox * Int(s.stride_w) - Int(s.pad_left) + kx
                        if ix < 0 || ix >= iw { continue }
                        let x = input[(iy * iw + ix) * ch + c]
                        sum += x; best = max(best, x); cnt += 1
                    }
                }
                expected[(oy * ow + ox) * ch + c] = Self.activate(isMax ? best : sum / cnt, act)
            } } }
            var out = [Float](repeating: -7, count: oh * ow * ch)
            intrs_f32_pool(&s, isMax ? 1 : 0, act, input, &out)
            let diff = Self.difference(out, expected)
            #expect(diff.isEmpty, "trial \(trial) \(isMax ? "max" : "average"): \(diff)")
        }
    }

    @Test("the float evaluator gives the same logits on every float kernel path (benchmark CNN, 3 inputs)")
    func evaluatorPathsAgree() throws {
        let net = try Int8BenchmarkModel.cifarCNN(seed: 1).validated(file: "bench")
        var r = Int8SplitMix64(seed: 3)
        let grid = (0..<(3 * net.inputCount)).map { _ in Float(r.next() % 256) }
        var logits: [[UInt32]] = []
        for path in FloatKernelPath.supported {
            let e = try FloatEvaluator(network: net, threads: 1, kernel: path)
            logits.append((0..<3).flatMap { b in Self.bits(e.logits(grid: Array(grid[(b * net.inputCount)..<((b + 1) * net.inputCount)]))) })
        }
        for l in logits.dropFirst() { #expect(l == logits[0]) }
    }

    @Test("INTRS_FLOAT_KERNEL: unset means fastest; unknown or unsupported names are refused with the variable's name")
    func environment() throws {
        #expect(try FloatKernelPath.fromEnvironment([:]) == FloatKernelPath.fastest)
        #expect(try FloatKernelPath.fromEnvironment(["INTRS_FLOAT_KERNEL": "portable"]) == .portable)
        #expect(throws: FloatKernelPathError.unknown("avx9")) { try FloatKernelPath.fromEnvironment(["INTRS_FLOAT_KERNEL": "avx9"]) }
        #expect(FloatKernelPathError.unknown("avx9").description.contains("INTRS_FLOAT_KERNEL"))
    }
}
