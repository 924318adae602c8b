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

    /// The pixels of a framed tensor (`items` items `itemSize` floats apart) in the plain layout (items `plainSize`
    /// apart), and whether every float of the frames' borders still holds the sentinel -7.
    static func unframe(_ x: [Float], _ f: intrs_f32_frame, h: Int, w: Int, c: Int, items: Int, itemSize: Int,
                        plainSize: Int) -> (pixels: [Float], borderUntouched: Bool) {
        var pixels = [Float](repeating: -7, count: items * plainSize)
        var inside = [Bool](repeating: false, count: x.count)
        for b in 0..<items { for y in 0..<h { for xx in 0..<w { for ch in 0..<c {
            let i = b * itemSize + ((y + Int(f.top)) * Int(f.pitch) + xx + Int(f.left)) * c + ch
            pixels[b * plainSize + (y * w + xx) * c + ch] = x[i]
            inside[i] = true
        } } } }
        let border = x.indices.allSatisfy { inside[$0] || x[$0].bitPattern == Float(-7).bitPattern }
        return (pixels, border)
    }

    /// `x` (items `plainSize` apart, h x w x c) inside zero frames `f` (items `itemSize` apart).
    static func frame(_ x: [Float], _ f: intrs_f32_frame, h: Int, w: Int, c: Int, items: Int, itemSize: Int, plainSize: Int) -> [Float] {
        var out = [Float](repeating: 0, count: items * itemSize)
        for b in 0..<items { for y in 0..<h { for xx in 0..<w { for ch in 0..<c {
            out[b * itemSize + ((y + Int(f.top)) * Int(f.pitch) + xx + Int(f.left)) * c + ch] = x[b * plainSize + (y * w + xx) * c + ch]
        } } } }
        return out
    }

    /// Random input, weights and bias for `s`; every path's intrs_f32_conv2d against the plain loop (im2col by
    /// hand, then one fma chain per output in (ky, kx, ci) order), compared as bit patterns.
    static func checkConv(_ s: intrs_f32_conv_shape, items: Int, act: Int32, _ r: inout Int8SplitMix64, _ label: String) {
        var s = s
        let (ih, iw, ic) = (Int(s.in_h), Int(s.in_w), Int(s.in_c)), (oh, ow, oc) = (Int(s.out_h), Int(s.out_w), Int(s.out_c))
        let (kh, kw) = (Int(s.kernel_h), Int(s.kernel_w))
        let k = kh * kw * ic, inStride = ih * iw * ic + 5, outStride = oh * ow * oc + 3
        let input = randomFloats(items * inStride, &r), w = randomFloats(oc * k, &r), bias = randomFloats(oc, &r)
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
                    let acc = plainDot(patch[...], w[(c * k)..<(c * k + k)])
                    expected[b * outStride + (oy * ow + ox) * oc + c] = activate(bias[c] + acc, act)
                }
            } }
        }
        var packed = [Float](repeating: .nan, count: intrs_f32_packed_floats(Int32(oc), Int32(k)))
        intrs_f32_pack_weights(w, Int32(oc), Int32(k), &packed)
        var scratch = [Float](repeating: .nan, count: intrs_f32_conv2d_scratch(&s))
        for path in FloatKernelPath.supported {
            var out = [Float](repeating: -7, count: items * outStride)
            intrs_f32_conv2d(path.c, &s, input, inStride, Int32(items), packed, bias, act, &out, outStride, &scratch)
            let diff = difference(out, expected)
            #expect(diff.isEmpty, "\(label) path \(path.rawValue): \(diff)")
        }
        // Framed input and output (intrs_f32_conv2d_framed): a zero frame that covers the padding (patches read in
        // place: no copy), one that does not (the padded copy reads the framed input), the output inside a frame
        // whose border stays untouched; the same floats.
        let hp = (oh - 1) * Int(s.stride_h) + (kh - 1) * Int(s.dilation_h) + 1, wp = (ow - 1) * Int(s.stride_w) + kw
        let (pt, pl) = (Int(s.pad_top), Int(s.pad_left))
        let covering = intrs_f32_frame(top: Int32(pt + 1), left: Int32(pl), rows: Int32(pt + 1 + ih + max(0, hp - pt - ih) + 1),
                                       pitch: Int32(pl + iw + max(0, wp - pl - iw) + 2))
        let short = intrs_f32_frame(top: Int32(max(0, pt - 1)), left: 1, rows: Int32(max(0, pt - 1) + ih), pitch: Int32(1 + iw))
        #expect(intrs_f32_frame_covers(&s, [covering]) == (s.dilation_w == 1 ? 1 : 0), "\(label): covering frame")
        var outFrame = intrs_f32_frame(top: 2, left: 1, rows: Int32(oh + 3), pitch: Int32(ow + 2))
        let outItem = Int(outFrame.rows * outFrame.pitch) * oc + 1
        for var inFrame in [covering, short] {
            let inItem = Int(inFrame.rows * inFrame.pitch) * ic + 2
            let framedInput = frame(input, inFrame, h: ih, w: iw, c: ic, items: items, itemSize: inItem, plainSize: inStride)
            for path in FloatKernelPath.supported {
                var out = [Float](repeating: -7, count: items * outItem)
                intrs_f32_conv2d_framed(path.c, &s, framedInput, &inFrame, inItem, Int32(items), packed, bias, act, &out, &outFrame,
                                        outItem, &scratch)
                let got = unframe(out, outFrame, h: oh, w: ow, c: oc, items: items, itemSize: outItem, plainSize: outStride)
                let want = (0..<expected.count).map { i in i % outStride < oh * ow * oc ? expected[i] : -7 }
                let diff = difference(got.pixels, want)
                #expect(diff.isEmpty && got.borderUntouched,
                        "\(label) framed input (top \(inFrame.top), left \(inFrame.left)) path \(path.rawValue): \(diff) border untouched \(got.borderUntouched)")
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
            Self.checkConv(s, items: items, act: act, &r, "trial \(trial)")
        }
    }

    /// (in h, w, c; out h, w, c; kernel h, w; stride h, w; dilation h, w; pad top, left)
    static let namedConvShapes: [(String, [Int32])] = [
        ("benchmark conv2: 3 x 3 same, K = 288 read in place from the padded copy, 96-pixel blocks with a tail", [12, 11, 32, 12, 11, 32, 3, 3, 1, 1, 1, 1, 1, 1]),
        ("conv1-like: in_c = 3, runs of 9 floats", [9, 10, 3, 9, 10, 32, 3, 3, 1, 1, 1, 1, 1, 1]),
        ("valid, no padding: the input itself is the image (no copy)", [9, 8, 5, 7, 6, 20, 3, 3, 1, 1, 1, 1, 0, 0]),
        ("stride 2 and dilation_h 2, padding on the bottom and right only", [10, 9, 4, 5, 5, 17, 3, 2, 2, 2, 2, 1, 0, 0]),
        ("dilation_w 2: the im2col copy", [8, 9, 6, 8, 9, 16, 3, 3, 1, 1, 1, 2, 1, 2]),
        ("1 x 1 kernel, 200 pixels", [10, 20, 7, 10, 20, 48, 1, 1, 1, 1, 1, 1, 0, 0]),
    ]

    @Test("conv2d: named shapes (in-place patches with and without the padded copy, im2col), every path",
          arguments: namedConvShapes)
    func convNamedShapes(_ named: (String, [Int32])) {
        let v = named.1
        var s = intrs_f32_conv_shape()
        (s.in_h, s.in_w, s.in_c, s.out_h, s.out_w, s.out_c) = (v[0], v[1], v[2], v[3], v[4], v[5])
        (s.kernel_h, s.kernel_w, s.stride_h, s.stride_w) = (v[6], v[7], v[8], v[9])
        (s.dilation_h, s.dilation_w, s.pad_top, s.pad_left) = (v[10], v[11], v[12], v[13])
        var r = Int8SplitMix64(seed: 19)
        for act in Int32(0)..<4 { Self.checkConv(s, items: 3, act: act, &r, "\(named.0) act \(act)") }
    }

    /// The plain per-channel pool of one item (the reference every path must equal bit for bit): max from -inf
    /// with `x >= best ? x : best`, average summed from +0 then divided by the count of valid taps, in (ky, kx) order.
    static func plainPool(_ s: intrs_f32_pool_shape, isMax: Bool, act: Int32, _ input: ArraySlice<Float>) -> [Float] {
        let (ih, iw, ch) = (Int(s.in_h), Int(s.in_w), Int(s.channels)), (oh, ow) = (Int(s.out_h), Int(s.out_w))
        let i0 = input.startIndex
        var out = [Float](repeating: -7, count: oh * ow * ch)
        for oy in 0..<oh { for ox in 0..<ow { for c in 0..<ch {
            var sum: Float = 0, best = -Float.infinity, cnt: Float = 0
            for ky in 0..<Int(s.pool_h) {
                let iy = oy * Int(s.stride_h) - Int(s.pad_top) + ky
                if iy < 0 || iy >= ih { continue }
                for kx in 0..<Int(s.pool_w) {
                    let ix = ox * Int(s.stride_w) - Int(s.pad_left) + kx
                    if ix < 0 || ix >= iw { continue }
                    let x = input[i0 + (iy * iw + ix) * ch + c]
                    sum += x; best = x >= best ? x : best; cnt += 1
                }
            }
            out[(oy * ow + ox) * ch + c] = activate(isMax ? best : sum / cnt, act)
        } } }
        return out
    }

    @Test("pools: random shapes, channel tails, paddings (taps outside skipped, empty windows), items, max with ties of +0 and -0 and NaN taps, average, every activation, every path = the plain per-channel loop")
    func poolEqualsPlainLoop() {
        var r = Int8SplitMix64(seed: 13)
        for trial in 0..<60 {
            var s = intrs_f32_pool_shape()
            s.in_h = Int32(1 + r.next() % 9); s.in_w = Int32(1 + r.next() % 9)
            s.channels = Int32(trial % 3 == 0 ? 1 + r.next() % 300 : 1 + r.next() % 40)
            s.pool_h = Int32(1 + r.next() % 3); s.pool_w = Int32(1 + r.next() % 3)
            s.stride_h = Int32(1 + r.next() % 2); s.stride_w = Int32(1 + r.next() % 2)
            s.pad_top = Int32(r.next() % 2); s.pad_left = Int32(r.next() % 2)
            s.out_h = Int32(1 + r.next() % 5); s.out_w = Int32(1 + r.next() % 5)
            let isMax = trial % 2 == 0, act = Int32(r.next() % 4), items = 1 + Int(r.next() % 3)
            let inSize = Int(s.in_h * s.in_w * s.channels), outSize = Int(s.out_h * s.out_w * s.channels)
            let inStride = inSize + Int(r.next() % 5), outStride = outSize + Int(r.next() % 5)
            // Signed zeros often (ties: max keeps the later tap when equal), NaN taps in max pools (never chosen).
            var input = Self.randomFloats(items * inStride, &r)
            for i in input.indices {
                switch r.next() % 16 {
                case 0, 1: input[i] = 0
                case 2, 3: input[i] = -0.0
                case 4 where isMax: input[i] = .nan
                default: break
                }
            }
            var expected = [Float](repeating: -7, count: items * outStride)
            for b in 0..<items {
                let one = Self.plainPool(s, isMax: isMax, act: act, input[(b * inStride)..<(b * inStride + inSize)])
                expected.replaceSubrange((b * outStride)..<(b * outStride + outSize), with: one)
            }
            for path in FloatKernelPath.supported {
                var out = [Float](repeating: -7, count: items * outStride)
                intrs_f32_pool(path.c, &s, isMax ? 1 : 0, act, input, inStride, Int32(items), &out, nil, outStride)
                let diff = Self.difference(out, expected)
                #expect(diff.isEmpty, "trial \(trial) \(isMax ? "max" : "average") path \(path.rawValue): \(diff)")
            }
        }
    }

    @Test("pools: the benchmark CNN's 2 x 2 / stride 2 max pools (32 and 64 channels), 3 items, every path")
    func poolBenchmarkShapes() {
        var r = Int8SplitMix64(seed: 17)
        for (hw, ch) in [(32, 32), (16, 64), (7, 24)] {
            var s = intrs_f32_pool_shape()
            (s.in_h, s.in_w, s.channels) = (Int32(hw), Int32(hw), Int32(ch))
            (s.out_h, s.out_w, s.pool_h, s.pool_w, s.stride_h, s.stride_w) = (Int32(hw / 2), Int32(hw / 2), 2, 2, 2, 2)
            let inSize = hw * hw * ch, outSize = (hw / 2) * (hw / 2) * ch, items = 3
            var input = Self.randomFloats(items * inSize, &r)
            for i in input.indices where r.next() % 4 == 0 { input[i] = r.next() % 2 == 0 ? 0 : -0.0 }
            for isMax in [true, false] {
                var expected: [Float] = []
                for b in 0..<items { expected += Self.plainPool(s, isMax: isMax, act: 1, input[(b * inSize)..<((b + 1) * inSize)]) }
                for path in FloatKernelPath.supported {
                    var out = [Float](repeating: -7, count: items * outSize)
                    intrs_f32_pool(path.c, &s, isMax ? 1 : 0, 1, input, inSize, Int32(items), &out, nil, outSize)
                    let diff = Self.difference(out, expected)
                    #expect(diff.isEmpty, "\(hw) x \(hw) x \(ch) \(isMax ? "max" : "average") path \(path.rawValue): \(diff)")
                    // The same into a frame (top 1, left 2, one more column on the right, two more rows at the bottom):
                    // the pixels inside, the border untouched.
                    var frame = intrs_f32_frame(top: 1, left: 2, rows: s.out_h + 3, pitch: s.out_w + 3)
                    let framedSize = Int(frame.rows * frame.pitch) * ch
                    var framed = [Float](repeating: -7, count: items * framedSize)
                    intrs_f32_pool(path.c, &s, isMax ? 1 : 0, 1, input, inSize, Int32(items), &framed, &frame, framedSize)
                    let got = Self.unframe(framed, frame, h: hw / 2, w: hw / 2, c: ch, items: items, itemSize: framedSize, plainSize: outSize)
                    #expect(Self.difference(got.pixels, expected).isEmpty && got.borderUntouched,
                            "framed output \(hw) x \(hw) x \(ch) \(isMax ? "max" : "average") path \(path.rawValue)")
                }
            }
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

    @Test("framed tensors (convolutions reading their padding in place) change no logit of the benchmark CNN, and its padded tensors are framed")
    func framesChangeNothing() throws {
        let net = try Int8BenchmarkModel.cifarCNN(seed: 1).validated(file: "bench")
        var r = Int8SplitMix64(seed: 29)
        let batch = 5
        let grid = (0..<(batch * net.inputCount)).map { _ in Float(r.next() % 256) }
        for path in FloatKernelPath.supported {
            var seen: [[UInt32]] = []
            for frames in [true, false] {
                let e = try FloatEvaluator(network: net, threads: 1, chunkSize: 3, kernel: path, frames: frames)
                // The input and the outputs of conv1, pool1 and conv3 feed padded 3 x 3 convolutions.
                #expect(e.frames.filter { $0.top == 1 && $0.left == 1 }.count == (frames ? 4 : 0), "path \(path.rawValue) frames \(frames)")
                var logits = [Float](repeating: .nan, count: batch * net.classCount)
                grid.withUnsafeBufferPointer { g in logits.withUnsafeMutableBufferPointer { e.logits(grid: g, batch: batch, logits: $0) } }
                seen.append(Self.bits(logits))
            }
            #expect(seen[0] == seen[1], "path \(path.rawValue)")
        }
    }

    @Test("the evaluator's chunk size changes no logit (chunks of 1, 3 and 32 inputs, every path)")
    func chunkSizeChangesNothing() throws {
        let net = try Int8BenchmarkModel.cifarCNN(seed: 1).validated(file: "bench")
        var r = Int8SplitMix64(seed: 5)
        let batch = 7
        let grid = (0..<(batch * net.inputCount)).map { _ in Float(r.next() % 256) }
        for path in FloatKernelPath.supported {
            var seen: [[UInt32]] = []
            for chunk in [1, 3, 32] {
                let e = try FloatEvaluator(network: net, threads: 1, chunkSize: chunk, kernel: path)
                var logits = [Float](repeating: .nan, count: batch * net.classCount)
                grid.withUnsafeBufferPointer { g in logits.withUnsafeMutableBufferPointer { e.logits(grid: g, batch: batch, logits: $0) } }
                seen.append(Self.bits(logits))
            }
            for x in seen.dropFirst() { #expect(x == seen[0], "path \(path.rawValue)") }
        }
    }

    /// `m` with real scales everywhere the float baseline needs them (input, every layer's output, per-channel
    /// filter scales), so that the random int8 models of Int8ModelGenerator run on it.
    static func withScales(_ m: Int8Model) -> Int8Model {
        var m = m
        m.input.scale = 0.125
        for i in m.layers.indices {
            m.layers[i].outputScale = 0.0625 + Double(i) / 64
            if let b = m.layers[i].bias { m.layers[i].filterScales = (0..<b.shape[0]).map { 0.01 + Double($0 % 3) / 256 } }
        }
        return m
    }

    @Test("the layers before the first fullyConnected run one input at a time: chunks of 1, 2 and 5, with and without framed tensors, give the same logits on random models (convolutions, depthwise, pools, add, TFLite ops, with and without a fullyConnected head), every path")
    func perInputLayersOnRandomModels() throws {
        let opLists: [[String]?] = [nil, nil, nil, ["conv2d", "maxPool2d", "conv2d"], ["mul", "concatenation", "conv2d"],
                                    ["concatenation", "addBroadcast", "mul"], ["pad", "concatenation", "maxPool2d"], ["conv2d", "mean"]]
        var r = Int8SplitMix64(seed: 23)
        var checked = 0
        for (k, ops) in opLists.enumerated() {
            for s in 0..<6 {
                let m = Self.withScales(Int8ModelGenerator.randomModel(seed: UInt64(900 + 10 * k + s), rounding: .double, ops: ops, head: s % 3 != 2))
                let net = try m.validated(file: "random")
                let batch = 7
                let grid = (0..<(batch * net.inputCount)).map { _ in Float(Int(r.next() % 600) - 300) }
                for path in FloatKernelPath.supported {
                    var seen: [[UInt32]] = []
                    for (chunk, frames) in [(1, true), (2, true), (5, true), (5, false)] {
                        let e = try FloatEvaluator(network: net, threads: 1, chunkSize: chunk, kernel: path, frames: frames)
                        var logits = [Float](repeating: .nan, count: batch * net.classCount)
                        grid.withUnsafeBufferPointer { g in logits.withUnsafeMutableBufferPointer { e.logits(grid: g, batch: batch, logits: $0) } }
                        seen.append(Self.bits(logits))
                    }
                    for x in seen.dropFirst() { #expect(x == seen[0], "ops \(ops ?? []) seed \(900 + 10 * k + s) path \(path.rawValue)") }
                    checked += 1
                }
            }
        }
        #expect(checked == opLists.count * 6 * FloatKernelPath.supported.count)
    }

    @Test("the avx512 path is offered exactly when /proc/cpuinfo lists avx2, fma and avx512f (so its tests run here)")
    func avx512OfferedWhenPresent() throws {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return }
        let set = Set(flags.split(separator: " ").map(String.init))
        let has = set.contains("avx2") && set.contains("fma") && set.contains("avx512f")
        #expect(FloatKernelPath.avx512.isSupported == has)
        #expect(FloatKernelPath.supported.contains(.avx512) == has)
        if has { #expect(FloatKernelPath.fastest == .avx512) }
    }

    @Test("INTRS_FLOAT_KERNEL: unset means fastest; unknown or unsupported names are refused with the variable's name")
    func environment() throws {
        #expect(try FloatKernelPath.fromEnvironment([:]) == FloatKernelPath.fastest)
        #expect(try FloatKernelPath.fromEnvironment(["INTRS_FLOAT_KERNEL": "portable"]) == .portable)
        #expect(throws: FloatKernelPathError.unknown("avx9")) { try FloatKernelPath.fromEnvironment(["INTRS_FLOAT_KERNEL": "avx9"]) }
        #expect(FloatKernelPathError.unknown("avx9").description.contains("INTRS_FLOAT_KERNEL"))
    }
}
