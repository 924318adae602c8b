import IntRSCore

/// The fast int8 evaluator: batched, multithreaded, integer-only, bit-for-bit equal to the reference
/// evaluator `Int8ReferenceEvaluator.evaluate` (IntRSReference) on every input of a validated model.
///
/// - Batching: `classify` takes many inputs at once (a certification classifies one image under thousands
///   of noise draws). Inputs are processed in chunks of `chunkSize` so that fully connected weights are
///   read once per chunk.
/// - Threads: `threads` (default 1) splits the batch into contiguous ranges run with
///   DispatchQueue.concurrentPerform. Each thread allocates its scratch (all tensors of one chunk and one
///   im2col patch) once per call; the per-item loops allocate nothing.
/// - SIMD: convolutions and fully connected layers are int16 x int16 -> int32 dot products
///   (`FastKernels.dot`), which LLVM turns into pmaddwd multiply-adds.
/// - Exactness: accumulation wraps in int32, which is exact because `Int8Model.validated` proves every
///   accumulator of every input lies in int32 (wrapping addition is exact modulo 2^32); rescale is
///   `FastRescale` (proved equal to TOSA's apply_scale_32 on the validated domain).
public final class FastInt8Evaluator: Sendable {
    public let network: Int8Network
    public let threads: Int
    public let chunkSize: Int
    let layers: [FastLayer]
    let tensorSizes: [Int]
    let patchCapacity: Int
    let accCapacity: Int

    /// Validates the model (errors name the field; file "model") and prepares the kernels.
    public convenience init(model: Int8Model, threads: Int = 1, file: String = "model") throws {
        try self.init(network: model.validated(file: file), threads: threads)
    }

    /// `network` must come from `Int8Model.validated` with the overflow check on.
    public init(network: Int8Network, threads: Int = 1, chunkSize: Int = 8) {
        self.network = network
        self.threads = max(1, threads)
        self.chunkSize = max(1, chunkSize)
        tensorSizes = network.tensorShapes.map { $0.reduce(1, *) }
        var patch = 16, acc = 16
        var ls: [FastLayer] = []
        for L in network.layers {
            let zi = network.tensorZeroPoints[L.inputs[0]]
            let common = FastLayerCommon(inputs: L.inputs, inputZeroPoint: zi,
                                         secondZeroPoint: L.inputs.count > 1 ? network.tensorZeroPoints[L.inputs[1]] : 0,
                                         outputZeroPoint: L.outputZeroPoint, activationMin: L.activationMin,
                                         activationMax: L.activationMax, output: L.index + 1)
            switch L.kind {
            case .conv(let p) where !p.depthwise:
                let k = p.kernelH * p.kernelW * p.inC
                let blocked = BlockedConvWeights(filter: p.filter, outChannels: p.outC, k: k)
                patch = max(patch, 2 * blocked.kPairs + 16)
                acc = max(acc, blocked.paddedChannels)
                ls.append(.conv(common, p, blocked))
            case .conv(let p):
                acc = max(acc, p.outC)
                ls.append(.depthwise(common, p, p.filter.map { Int32($0) }))
            case .fullyConnected(let p):
                let kp = FastKernels.padded(p.inCount)
                var w = [Int16](repeating: 0, count: p.outCount * kp)
                for o in 0..<p.outCount { for t in 0..<p.inCount { w[o * kp + t] = Int16(p.filter[o * p.inCount + t]) } }
                patch = max(patch, kp * self.chunkSize)
                ls.append(.fullyConnected(common, p, kp, w))
            case .add(let p): ls.append(.add(common, p))
            case .averagePool(let p): ls.append(.pool(common, p, false))
            case .maxPool(let p): ls.append(.pool(common, p, true))
            case .reshape: ls.append(.reshape(common))
            }
        }
        layers = ls
        patchCapacity = patch
        accCapacity = acc
    }

    /// Number of grid values per input.
    public var inputCount: Int { network.inputCount }
    /// Number of logits (classes) per input.
    public var classCount: Int { network.classCount }

    /// Classifies `batch` inputs given as grid values (Int32, batch-major, `inputCount` each) and writes
    /// the ArgMax class of each (lowest index on ties) to `classes[0..<batch]`.
    /// Equals `Int8ReferenceEvaluator.evaluate(_:grid:).classIndex` for each input.
    public func classify(grid: UnsafeBufferPointer<Int32>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>) {
        precondition(grid.count >= batch * inputCount && classes.count >= batch, "buffers too small")
        run(grid: grid, batch: batch, logits: nil, classes: classes.baseAddress)
    }

    /// Writes the int8 logits of `batch` inputs (batch-major, `classCount` each).
    /// Equals `Int8ReferenceEvaluator.evaluate(_:grid:).logits` for each input.
    public func logits(grid: UnsafeBufferPointer<Int32>, batch: Int, logits: UnsafeMutableBufferPointer<Int8>) {
        precondition(grid.count >= batch * inputCount && logits.count >= batch * classCount, "buffers too small")
        run(grid: grid, batch: batch, logits: logits.baseAddress, classes: nil)
    }

    /// Convenience for one input (allocates; not for hot loops).
    public func logits(grid: [Int32]) -> [Int8] {
        var out = [Int8](repeating: 0, count: classCount)
        grid.withUnsafeBufferPointer { g in out.withUnsafeMutableBufferPointer { logits(grid: g, batch: 1, logits: $0) } }
        return out
    }

    private func run(grid: UnsafeBufferPointer<Int32>, batch: Int, logits: UnsafeMutablePointer<Int8>?, classes: UnsafeMutablePointer<Int32>?) {
        let gridBase = grid.baseAddress!
        parallelRanges(batch: batch, threads: threads) { range, _ in
            // Per-thread scratch, allocated once per call.
            var offsets: [Int] = []
            var total = 0
            for s in tensorSizes { offsets.append(total); total += s * chunkSize }
            let tensors = UnsafeMutablePointer<Int8>.allocate(capacity: total)
            let patch = UnsafeMutablePointer<Int16>.allocate(capacity: patchCapacity)
            let acc = UnsafeMutablePointer<Int32>.allocate(capacity: accCapacity)
            defer { tensors.deallocate(); patch.deallocate(); acc.deallocate() }
            offsets.withUnsafeBufferPointer { off in
                var start = range.lowerBound
                while start < range.upperBound {
                    let n = min(chunkSize, range.upperBound - start)
                    runChunk(gridBase + start * inputCount, n: n, tensors: tensors, offsets: off, patch: patch, acc: acc)
                    let last = tensors + off[off.count - 1]
                    let c = classCount
                    for b in 0..<n {
                        let row = last + b * c
                        if let logits { for j in 0..<c { logits[(start + b) * c + j] = row[j] } }
                        if let classes {
                            // ArgMax, lowest index wins ties (Int8ReferenceOps.argMax).
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

    /// One chunk of n <= chunkSize items through every layer.
    private func runChunk(_ grid: UnsafePointer<Int32>, n: Int, tensors: UnsafeMutablePointer<Int8>, offsets: UnsafeBufferPointer<Int>,
                          patch: UnsafeMutablePointer<Int16>, acc: UnsafeMutablePointer<Int32>) {
        // Input stage (Int8ReferenceOps.quantizeInput): clamp(Z + gridMultiplier * g, -128, 127) in Int64.
        let d = inputCount
        let zi = Int64(network.input.zeroPoint), gm = Int64(network.input.gridMultiplier)
        let t0 = tensors + offsets[0]
        for i in 0..<(n * d) {
            t0[i] = Int8(truncatingIfNeeded: min(max(zi &+ gm &* Int64(grid[i]), -128), 127))
        }
        let dbl = network.rounding == .double
        for layer in layers {
            switch layer {
            case .conv(let c, let p, let blocked):
                let inSize = tensorSizes[c.inputs[0]], outSize = tensorSizes[c.output]
                for b in 0..<n {
                    FastInt8Kernels.conv(p, blocked: blocked, input: tensors + offsets[c.inputs[0]] + b * inSize,
                                         output: tensors + offsets[c.output] + b * outSize, common: c, patch: patch, acc: acc, double: dbl)
                }
            case .depthwise(let c, let p, let w):
                let inSize = tensorSizes[c.inputs[0]], outSize = tensorSizes[c.output]
                w.withUnsafeBufferPointer { wb in
                    for b in 0..<n {
                        FastInt8Kernels.depthwise(p, weights: wb.baseAddress!, input: tensors + offsets[c.inputs[0]] + b * inSize,
                                                  output: tensors + offsets[c.output] + b * outSize, common: c, acc: acc, double: dbl)
                    }
                }
            case .fullyConnected(let c, let p, let kp, let w):
                w.withUnsafeBufferPointer { wb in
                    FastInt8Kernels.fullyConnected(p, kPadded: kp, weights: wb.baseAddress!, input: tensors + offsets[c.inputs[0]],
                                                   inputStride: tensorSizes[c.inputs[0]], output: tensors + offsets[c.output],
                                                   n: n, common: c, patch: patch, double: dbl)
                }
            case .add(let c, let p):
                FastInt8Kernels.add(p, a: tensors + offsets[c.inputs[0]], b: tensors + offsets[c.inputs[1]],
                                    output: tensors + offsets[c.output], count: n * p.count, common: c, double: dbl)
            case .pool(let c, let p, let isMax):
                let inSize = tensorSizes[c.inputs[0]], outSize = tensorSizes[c.output]
                for b in 0..<n {
                    FastInt8Kernels.pool(p, max: isMax, input: tensors + offsets[c.inputs[0]] + b * inSize,
                                         output: tensors + offsets[c.output] + b * outSize, common: c)
                }
            case .reshape(let c):
                let src = tensors + offsets[c.inputs[0]], dst = tensors + offsets[c.output]
                dst.update(from: src, count: n * tensorSizes[c.output])
            }
        }
    }
}

struct FastLayerCommon: Sendable {
    var inputs: [Int]
    var inputZeroPoint: Int32
    var secondZeroPoint: Int32
    var outputZeroPoint: Int32
    var activationMin: Int32
    var activationMax: Int32
    var output: Int
}

enum FastLayer: Sendable {
    case conv(FastLayerCommon, Int8ConvPlan, BlockedConvWeights)
    case depthwise(FastLayerCommon, Int8ConvPlan, [Int32])
    case fullyConnected(FastLayerCommon, Int8FullyConnectedPlan, Int, [Int16])
    case add(FastLayerCommon, Int8AddPlan)
    case pool(FastLayerCommon, Int8PoolPlan, Bool)
    case reshape(FastLayerCommon)
}
