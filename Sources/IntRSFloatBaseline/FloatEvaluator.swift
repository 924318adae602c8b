import CIntRSKernels
import IntRSCore
import IntRSRuntime

/// The float32 baseline: the same architecture as the int8 model, in real numbers. Weights are the
/// model's stored float weights (`floatFilter`/`floatBias`) when present, else dequantized:
/// w = S_w[c] * q_w, bias = S_in * S_w[c] * q_b. Activations: ReLU max(0, x), ReLU6 min(max(0, x), 6),
/// none; pools average over valid taps or take the max; add sums. The input stage is the int8 input stage
/// in real units, including its clipping: x = S_in * (clamp(Z + gridMultiplier * g, -128, 127) - Z).
/// The class is the ArgMax of the float logits (lowest index on ties).
///
/// This is the floating-point baseline the paper's speedup is measured against. It takes no certified
/// decision. Same threading and blocking as `FastInt8Evaluator`: conv2d and fullyConnected run as a packed GEMM
/// in CIntRSKernels (weights packed once here into 16-channel panels; convolution patches read in place from
/// the input tensor inside its zero frame (`frames`), else from a zero-padded copy, 96 output pixels at a time; a 6 x 16 (portable, AVX2 + FMA) or 8 x 16
/// (AVX-512) register-blocked micro-kernel picked by `FloatKernelPath`). Inputs go through the layers in chunks
/// of `chunkSize` (default 32, so that a fullyConnected layer reads its weights once per 32 inputs); the layers
/// before the first fullyConnected run one input of the chunk at a time on tensors that stay in L2. Rounding: each
/// conv/FC output is act(bias + acc) with acc one fused multiply-add per product in patch order from +0, the
/// same floats on every path (include/CIntRSFloatKernels.h; tested equal to a plain `addingProduct` loop).
/// Pools run in CIntRSKernels too (`intrs_f32_pool`, channels innermost, 8 or 16 per instruction on the vector
/// paths, the plain loop's float operations);
/// depthwise and add stay plain Swift loops (separate multiply and add).
public final class FloatEvaluator: Sendable {
    public let network: Int8Network
    public let threads: Int
    public let chunkSize: Int
    let layers: [FloatLayer]
    /// Floats per input of each tensor (its frame's, for a framed tensor).
    let tensorSizes: [Int]
    /// Each tensor's layout: a framed tensor (`intrs_f32_frame`, frame != plain) is an image whose every consumer
    /// is a convolution reading its patches in place (dilation_w = 1) and whose producer (the input stage, a
    /// convolution or a pool) writes inside a zero frame as wide as the consumers' padding, so that the
    /// convolutions read it without a padded copy. The frames' zeros are written once, when a thread's tensors
    /// are allocated; nothing writes there afterwards. Other tensors: the plain layout (top = left = 0).
    let frames: [intrs_f32_frame]
    /// Whether any tensor is framed (then the tensors are zeroed when allocated).
    let anyFrame: Bool
    /// Layers [0, perItemLayers) (those before the first fullyConnected) run one input at a time, so that their
    /// tensors stay in the core's L2 cache between layers (a convolution gains nothing from more inputs per call;
    /// a chunk of 32 inputs' conv tensors, 14 MB on the benchmark CNN, lived in L3). The rest run on the chunk.
    let perItemLayers: Int
    /// Tensors written and read only by the per-input layers (the input stage included) have room for one input,
    /// reused by every input of the chunk; the others hold the whole chunk.
    let itemLocal: [Bool]
    let patchCapacity: Int
    let inputScale: Float
    /// The float kernel path of the conv2d / fullyConnected GEMM.
    public let kernel: FloatKernelPath

    public enum SetupError: Error, CustomStringConvertible {
        case missingScale(String)
        public var description: String {
            switch self { case .missingScale(let f): return "float baseline needs real scales: \(f) is missing (store float weights or scales in the model)" }
        }
    }

    public convenience init(model: Int8Model, threads: Int = 1, file: String = "model",
                            kernel: FloatKernelPath = .selected) throws {
        try self.init(network: model.validated(file: file), threads: threads, kernel: kernel)
    }

    /// `kernel` must be supported by this CPU (traps otherwise).
    public convenience init(network: Int8Network, threads: Int = 1, chunkSize: Int = 32, kernel: FloatKernelPath = .selected) throws {
        try self.init(network: network, threads: threads, chunkSize: chunkSize, kernel: kernel, frames: true)
    }

    /// `frames: false` keeps every tensor plain (each padded convolution then copies its input; the tests compare the
    /// two: same floats).
    init(network: Int8Network, threads: Int = 1, chunkSize: Int = 32, kernel: FloatKernelPath = .selected, frames useFrames: Bool) throws {
        precondition(kernel.isSupported, "float kernel path \(kernel.rawValue) is not supported by this CPU")
        self.kernel = kernel
        self.network = network
        self.threads = max(1, threads)
        self.chunkSize = max(1, chunkSize)
        guard let s0 = network.tensorScales[0] else { throw SetupError.missingScale("input.scale (or input.gridScale)") }
        inputScale = Float(s0)
        var patch = 16
        var ls: [FloatLayer] = []
        for L in network.layers {
            let act: FloatActivation = L.fusedActivation == "relu" ? .relu : L.fusedActivation == "relu6" ? .relu6
                : L.fusedActivation == "relu_n1_to_1" ? .reluN1To1 : .none
            let common = FloatLayerCommon(inputs: L.inputs, output: L.index + 1, activation: act)
            func weights(_ q: [Int8], _ f: [Float]?, _ qb: [Int32], _ fb: [Float]?, _ scales: [Double]?, perChannel: (Int) -> Int) throws -> ([Float], [Float]) {
                let sIn = network.tensorScales[L.inputs[0]]
                var w: [Float], b: [Float]
                if let f { w = f } else {
                    guard let sc = scales else { throw SetupError.missingScale("layers[\(L.index)].filterScales") }
                    w = q.indices.map { Float(Double(q[$0]) * sc[perChannel($0)]) }
                }
                if let fb { b = fb } else {
                    guard let sc = scales, let sIn else {
                        throw SetupError.missingScale(scales == nil ? "layers[\(L.index)].filterScales" : "the scale of tensor \(L.inputs[0])")
                    }
                    b = qb.indices.map { Float(Double(qb[$0]) * sIn * sc[$0]) }
                }
                return (w, b)
            }
            if let op = FloatExtraOp(L.kind) { ls.append(.extra(common, op)); continue }
            switch L.kind {
            case .conv(let p):
                let k = p.depthwise ? p.kernelH * p.kernelW : p.kernelH * p.kernelW * p.inC
                let (w, b) = try weights(p.filter, p.floatFilter, p.bias, p.floatBias, p.filterScales,
                                         perChannel: { p.depthwise ? $0 % p.outC : $0 / k })
                if p.depthwise {
                    ls.append(.depthwise(common, p, w, b))
                } else {
                    var packed = [Float](repeating: 0, count: intrs_f32_packed_floats(Int32(p.outC), Int32(k)))
                    w.withUnsafeBufferPointer { wb in packed.withUnsafeMutableBufferPointer {
                        intrs_f32_pack_weights(wb.baseAddress, Int32(p.outC), Int32(k), $0.baseAddress)
                    } }
                    var shape = intrs_f32_conv_shape()
                    shape.in_h = Int32(p.inH); shape.in_w = Int32(p.inW); shape.in_c = Int32(p.inC)
                    shape.out_h = Int32(p.outH); shape.out_w = Int32(p.outW); shape.out_c = Int32(p.outC)
                    shape.kernel_h = Int32(p.kernelH); shape.kernel_w = Int32(p.kernelW)
                    shape.stride_h = Int32(p.strideH); shape.stride_w = Int32(p.strideW)
                    shape.dilation_h = Int32(p.dilationH); shape.dilation_w = Int32(p.dilationW)
                    shape.pad_top = Int32(p.padTop); shape.pad_left = Int32(p.padLeft)
                    patch = max(patch, intrs_f32_conv2d_scratch(&shape))
                    ls.append(.conv(common, shape, packed, b))
                }
            case .fullyConnected(let p):
                let (w, b) = try weights(p.filter, p.floatFilter, p.bias, p.floatBias, p.filterScales, perChannel: { $0 / p.inCount })
                var packed = [Float](repeating: 0, count: intrs_f32_packed_floats(Int32(p.outCount), Int32(p.inCount)))
                w.withUnsafeBufferPointer { wb in packed.withUnsafeMutableBufferPointer {
                    intrs_f32_pack_weights(wb.baseAddress, Int32(p.outCount), Int32(p.inCount), $0.baseAddress)
                } }
                ls.append(.fullyConnected(common, p, packed, b))
            case .add(let p): ls.append(.add(common, p.count))
            case .averagePool(let p): ls.append(.pool(common, Self.poolShape(p), false))
            case .maxPool(let p): ls.append(.pool(common, Self.poolShape(p), true))
            case .reshape: ls.append(.reshape(common))
            case .pad(let p): ls.append(.gather(common, p.sourceIndex))
            case .mean, .mul, .concatenation: preconditionFailure("FloatExtraOp runs these")
            }
        }
        layers = ls
        patchCapacity = patch
        let prefix = network.layers.firstIndex { if case .fullyConnected = $0.kind { return true } else { return false } }
            ?? network.layers.count
        perItemLayers = prefix
        let tensorCount = network.tensorShapes.count
        var local = [Bool](repeating: prefix > 0, count: tensorCount)
        for (i, L) in network.layers.enumerated() {
            local[L.index + 1] = local[L.index + 1] && i < prefix
            if i >= prefix { for t in L.inputs { local[t] = false } }
        }
        local[tensorCount - 1] = false
        itemLocal = local
        var fs = network.tensorShapes.map { sh in
            intrs_f32_frame(top: 0, left: 0, rows: Int32(sh.count == 3 ? sh[0] : 1), pitch: Int32(sh.count == 3 ? sh[1] : 1))
        }
        if useFrames {
            for t in 0..<(tensorCount - 1) where network.tensorShapes[t].count == 3 {
                let producedHere = t == 0 || { if case .conv = ls[t - 1] { return true }; if case .pool = ls[t - 1] { return true }; return false }()
                let consumers = ls.filter { layer in
                    switch layer {
                    case .conv(let c, _, _, _), .depthwise(let c, _, _, _), .fullyConnected(let c, _, _, _), .add(let c, _),
                         .pool(let c, _, _), .reshape(let c), .gather(let c, _), .extra(let c, _):
                        return c.inputs.contains(t)
                    }
                }
                var top = 0, left = 0, bottom = 0, right = 0, ok = producedHere && !consumers.isEmpty
                for layer in consumers {
                    guard case .conv(let c, let shape, _, _) = layer, c.inputs == [t], shape.dilation_w == 1 else { ok = false; break }
                    let hp = Int((shape.out_h - 1) * shape.stride_h + (shape.kernel_h - 1) * shape.dilation_h + 1)
                    let wp = Int((shape.out_w - 1) * shape.stride_w + shape.kernel_w)
                    top = max(top, Int(shape.pad_top)); left = max(left, Int(shape.pad_left))
                    bottom = max(bottom, hp - Int(shape.pad_top) - Int(shape.in_h))
                    right = max(right, wp - Int(shape.pad_left) - Int(shape.in_w))
                }
                if ok && top + left + bottom + right > 0 {
                    let sh = network.tensorShapes[t]
                    fs[t] = intrs_f32_frame(top: Int32(top), left: Int32(left), rows: Int32(top + sh[0] + bottom), pitch: Int32(left + sh[1] + right))
                }
            }
        }
        frames = fs
        tensorSizes = network.tensorShapes.indices.map { t in
            let sh = network.tensorShapes[t]
            return sh.count == 3 ? Int(fs[t].rows) * Int(fs[t].pitch) * sh[2] : sh.reduce(1, *)
        }
        anyFrame = fs.contains { $0.top != 0 || $0.left != 0 } || tensorSizes != network.tensorShapes.map { $0.reduce(1, *) }
    }

    public var inputCount: Int { network.inputCount }
    public var classCount: Int { network.classCount }

    /// Classifies `batch` inputs given as grid values (Float, batch-major), ArgMax (lowest index on ties).
    public func classify(grid: UnsafeBufferPointer<Float>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>) {
        precondition(grid.count >= batch * inputCount && classes.count >= batch, "buffers too small")
        run(grid: grid, batch: batch, logits: nil, classes: classes.baseAddress)
    }

    /// Writes the float logits of `batch` inputs (grid values, batch-major; `classCount` logits each).
    public func logits(grid: UnsafeBufferPointer<Float>, batch: Int, logits: UnsafeMutableBufferPointer<Float>) {
        precondition(grid.count >= batch * inputCount && logits.count >= batch * classCount, "buffers too small")
        run(grid: grid, batch: batch, logits: logits.baseAddress, classes: nil)
    }

    /// Float logits of one input (allocates; not for hot loops).
    public func logits(grid: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: classCount)
        grid.withUnsafeBufferPointer { g in out.withUnsafeMutableBufferPointer { run(grid: g, batch: 1, logits: $0.baseAddress, classes: nil) } }
        return out
    }

    private func run(grid: UnsafeBufferPointer<Float>, batch: Int, logits: UnsafeMutablePointer<Float>?, classes: UnsafeMutablePointer<Int32>?) {
        let gridBase = grid.baseAddress!
        parallelRanges(batch: batch, threads: threads) { range, _ in
            var offsets: [Int] = []
            var total = 0
            for (t, s) in tensorSizes.enumerated() { offsets.append(total); total += s * (itemLocal[t] ? 1 : chunkSize) }
            let tensors = UnsafeMutablePointer<Float>.allocate(capacity: total)
            if anyFrame { tensors.initialize(repeating: 0, count: total) }
            let patch = UnsafeMutablePointer<Float>.allocate(capacity: patchCapacity)
            defer { tensors.deallocate(); patch.deallocate() }
            offsets.withUnsafeBufferPointer { off in
                var start = range.lowerBound
                while start < range.upperBound {
                    let n = min(chunkSize, range.upperBound - start)
                    runChunk(gridBase + start * inputCount, n: n, tensors: tensors, offsets: off, patch: patch)
                    let last = tensors + off[off.count - 1]
                    let c = classCount
                    for b in 0..<n {
                        let row = last + b * c
                        if let logits { for j in 0..<c { logits[(start + b) * c + j] = row[j] } }
                        if let classes {
                            var best = 0
                            for j in 1..<max(c, 1) where row[j] > row[best] { best = j }
                            classes[start + b] = Int32(best)
                        }
                    }
                    start += n
                }
            }
        }
    }

    static func poolShape(_ p: Int8PoolPlan) -> intrs_f32_pool_shape {
        var s = intrs_f32_pool_shape()
        s.in_h = Int32(p.inH); s.in_w = Int32(p.inW); s.channels = Int32(p.channels)
        s.out_h = Int32(p.outH); s.out_w = Int32(p.outW); s.pool_h = Int32(p.poolH); s.pool_w = Int32(p.poolW)
        s.stride_h = Int32(p.strideH); s.stride_w = Int32(p.strideW); s.pad_top = Int32(p.padTop); s.pad_left = Int32(p.padLeft)
        return s
    }

    @inline(__always)
    static func activate(_ x: Float, _ a: FloatActivation) -> Float {
        switch a {
        case .none: return x
        case .relu: return max(0, x)
        case .relu6: return min(max(0, x), 6)
        case .reluN1To1: return min(max(-1, x), 1)
        }
    }

    /// The input stage of `n` inputs (grid values) into `t0` (inside tensor 0's frame, inputs tensorSizes[0] apart):
    /// x = S_in * (clamp(Z + gridMultiplier * g, -128, 127) - Z).
    private func inputStage(_ grid: UnsafePointer<Float>, n: Int, into t0: UnsafeMutablePointer<Float>) {
        let z = Float(network.input.zeroPoint), gm = Float(network.input.gridMultiplier), s = inputScale
        let f = frames[0]
        guard f.top != 0 || f.left != 0 || tensorSizes[0] != inputCount else {
            for i in 0..<(n * inputCount) { t0[i] = s * (min(max(z + gm * grid[i], -128), 127) - z) }
            return
        }
        let shape = network.tensorShapes[0], rowFloats = shape[1] * shape[2], pitch = Int(f.pitch) * shape[2]
        for b in 0..<n {
            for y in 0..<shape[0] {
                let src = grid + b * inputCount + y * rowFloats
                let dst = t0 + b * tensorSizes[0] + (y + Int(f.top)) * pitch + Int(f.left) * shape[2]
                for i in 0..<rowFloats { dst[i] = s * (min(max(z + gm * src[i], -128), 127) - z) }
            }
        }
    }

    /// The chunk: the input stage and the per-input layers one input at a time (tensor t of input b at
    /// offsets[t] when it is item-local, else at offsets[t] + b * size), then the other layers on all `n`.
    /// Every input's floats are those of running every layer on the whole chunk: each layer treats its inputs
    /// independently.
    private func runChunk(_ grid: UnsafePointer<Float>, n: Int, tensors: UnsafeMutablePointer<Float>, offsets: UnsafeBufferPointer<Int>,
                          patch: UnsafeMutablePointer<Float>) {
        guard perItemLayers > 0 else {
            inputStage(grid, n: n, into: tensors + offsets[0])
            runLayers(0..<layers.count, n: n, tensors: tensors, offsets: offsets, patch: patch)
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: offsets.count) { itemOffsets in
            for b in 0..<n {
                for t in 0..<offsets.count { itemOffsets[t] = offsets[t] + (itemLocal[t] ? 0 : b * tensorSizes[t]) }
                inputStage(grid + b * inputCount, n: 1, into: tensors + itemOffsets[0])
                runLayers(0..<perItemLayers, n: 1, tensors: tensors, offsets: UnsafeBufferPointer(itemOffsets), patch: patch)
            }
        }
        runLayers(perItemLayers..<layers.count, n: n, tensors: tensors, offsets: offsets, patch: patch)
    }

    /// Layers `range` on `n` inputs (input b of tensor t at offsets[t] + b * tensorSizes[t]).
    private func runLayers(_ range: Range<Int>, n: Int, tensors: UnsafeMutablePointer<Float>, offsets: UnsafeBufferPointer<Int>,
                           patch: UnsafeMutablePointer<Float>) {
        for layer in layers[range] {
            switch layer {
            case .conv(let c, var shape, let packed, let bias):
                packed.withUnsafeBufferPointer { wb in bias.withUnsafeBufferPointer { bb in
                    var fin = frames[c.inputs[0]], fout = frames[c.output]
                    intrs_f32_conv2d_framed(kernel.c, &shape, tensors + offsets[c.inputs[0]], &fin, tensorSizes[c.inputs[0]],
                                            Int32(n), wb.baseAddress, bb.baseAddress, c.activation.c, tensors + offsets[c.output],
                                            &fout, tensorSizes[c.output], patch)
                } }
            case .depthwise(let c, let p, let w, let bias):
                let inSize = tensorSizes[c.inputs[0]], outSize = tensorSizes[c.output]
                for b in 0..<n {
                    let input = tensors + offsets[c.inputs[0]] + b * inSize
                    let out = tensors + offsets[c.output] + b * outSize
                    for oy in 0..<p.outH { for ox in 0..<p.outW {
                        let o = out + (oy * p.outW + ox) * p.outC
                        for j in 0..<p.outC { o[j] = bias[j] }
                        for ky in 0..<p.kernelH {
                            let iy = oy * p.strideH - p.padTop + ky * p.dilationH
                            if iy < 0 || iy >= p.inH { continue }
                            for kx in 0..<p.kernelW {
                                let ix = ox * p.strideW - p.padLeft + kx * p.dilationW
                                if ix < 0 || ix >= p.inW { continue }
                                let src = input + (iy * p.inW + ix) * p.inC
                                for j in 0..<p.outC { o[j] += w[(ky * p.kernelW + kx) * p.outC + j] * src[j / p.depthMultiplier] }
                            }
                        }
                        for j in 0..<p.outC { o[j] = Self.activate(o[j], c.activation) }
                    } }
                }
            case .fullyConnected(let c, let p, let packed, let bias):
                packed.withUnsafeBufferPointer { wb in bias.withUnsafeBufferPointer { bb in
                    intrs_f32_gemm(kernel.c, tensors + offsets[c.inputs[0]], tensorSizes[c.inputs[0]], Int32(n), wb.baseAddress,
                                   Int32(p.inCount), Int32(p.outCount), bb.baseAddress, c.activation.c,
                                   tensors + offsets[c.output], p.outCount)
                } }
            case .add(let c, let count):
                let a = tensors + offsets[c.inputs[0]], bb = tensors + offsets[c.inputs[1]], o = tensors + offsets[c.output]
                for e in 0..<(n * count) { o[e] = Self.activate(a[e] + bb[e], c.activation) }
            case .pool(let c, var shape, let isMax):
                var fout = frames[c.output]
                intrs_f32_pool(kernel.c, &shape, isMax ? 1 : 0, c.activation.c, tensors + offsets[c.inputs[0]],
                               tensorSizes[c.inputs[0]], Int32(n), tensors + offsets[c.output], &fout, tensorSizes[c.output])
            case .reshape(let c):
                (tensors + offsets[c.output]).update(from: tensors + offsets[c.inputs[0]], count: n * tensorSizes[c.output])
            case .gather(let c, let map):
                // pad in real units: padded elements are the real value 0.
                let src = tensors + offsets[c.inputs[0]], dst = tensors + offsets[c.output]
                let inSize = tensorSizes[c.inputs[0]], outSize = tensorSizes[c.output]
                for b in 0..<n { for o in 0..<outSize { let s = Int(map[o]); dst[b * outSize + o] = s < 0 ? 0 : src[b * inSize + s] } }
            case .extra(let c, let op):
                op.run(tensors: tensors, offsets: offsets, sizes: tensorSizes, n: n, common: c)
            }
        }
    }
}

enum FloatActivation: Sendable {
    case none, relu, relu6, reluN1To1

    /// The C kernels' activation code (same formulas as `FloatEvaluator.activate`).
    var c: Int32 {
        switch self {
        case .none: return Int32(INTRS_F32_ACT_NONE.rawValue)
        case .relu: return Int32(INTRS_F32_ACT_RELU.rawValue)
        case .relu6: return Int32(INTRS_F32_ACT_RELU6.rawValue)
        case .reluN1To1: return Int32(INTRS_F32_ACT_RELU_N1_TO_1.rawValue)
        }
    }
}

struct FloatLayerCommon: Sendable {
    var inputs: [Int]
    var output: Int
    var activation: FloatActivation
}

enum FloatLayer: Sendable {
    /// Packed weights (`intrs_f32_pack_weights`) and bias.
    case conv(FloatLayerCommon, intrs_f32_conv_shape, [Float], [Float])
    case depthwise(FloatLayerCommon, Int8ConvPlan, [Float], [Float])
    case fullyConnected(FloatLayerCommon, Int8FullyConnectedPlan, [Float], [Float])
    case add(FloatLayerCommon, Int)
    /// Max (true) or average pool, in CIntRSKernels (`intrs_f32_pool`).
    case pool(FloatLayerCommon, intrs_f32_pool_shape, Bool)
    case reshape(FloatLayerCommon)
    /// pad: output element o = input element map[o], or 0.0 where map[o] < 0.
    case gather(FloatLayerCommon, [Int32])
    /// broadcasting add, mul, mean, concatenation (FloatTFLiteOps.swift).
    case extra(FloatLayerCommon, FloatExtraOp)
}
