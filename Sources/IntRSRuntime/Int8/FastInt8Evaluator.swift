import CIntRSKernels
import IntRSCore

/// The fast int8 evaluator: batched, multithreaded, integer-only, bit-for-bit equal to the reference
/// evaluator `ReferenceInt8Evaluator.evaluate` (IntRSReference) on every input of a validated model.
///
/// - Batching: `classify` takes many inputs at once (a certification classifies one image under thousands
///   of noise draws). Inputs are processed in chunks of `chunkSize` (by default as many as keep a chunk's
///   tensors within 48 KiB, 8 to 256: `defaultChunkSize`) so that each layer's weights and per-call setup
///   serve the whole chunk.
/// - Threads: `threads` (default 1) splits the batch into contiguous ranges run with
///   DispatchQueue.concurrentPerform. Each thread allocates its scratch (all tensors of one chunk and one
///   im2col patch) once per call; the per-item loops allocate nothing.
/// - Kernels: conv2d and fullyConnected are packed GEMMs (weights packed once here, patches of several
///   output pixels or items side by side, a 4 x 16 register-blocked int16 x int16 -> int32 micro-kernel,
///   requantisation 8 channels at a time); depthwise and pools are vectorised over channels. They live in
///   the C target CIntRSKernels, on the kernel path `kernel` (portable C, AVX2, or AVX-512 VNNI when the CPU has it;
///   `Int8KernelPath.selected` by default, `INTRS_KERNEL` forces one). Every path gives the same bytes.
/// - Exactness: accumulation wraps in int32, which is exact because `Int8Model.validated` proves every
///   accumulator of every input lies in int32 (wrapping addition is exact modulo 2^32; Proofs/KERN-1.md);
///   rescale is `FastInt8Rescale` or its lane-wise form (proved equal to TOSA's apply_scale_32 on the
///   validated domain, Proofs/int8-rescale.md).
public final class FastInt8Evaluator: Sendable {
    public let network: Int8Network
    public let threads: Int
    public let chunkSize: Int
    /// The kernel path every layer runs on.
    public let kernel: Int8KernelPath
    let layers: [FastLayer]
    let tensorSizes: [Int]
    /// The tensor whose bytes hold tensor t: t itself, or for the output of a reshape (flatten) of the same
    /// size, the storage of its input (NHWC data is already in the flattened order, so no copy is made).
    let storage: [Int]
    let patchCapacity: Int
    let accCapacity: Int

    /// Validates the model (errors name the field; file "model") and prepares the kernels.
    public convenience init(model: Int8Model, threads: Int = 1, file: String = "model",
                            kernel: Int8KernelPath = .selected) throws {
        try self.init(network: model.validated(file: file), threads: threads, kernel: kernel)
    }

    /// `network` must come from `Int8Model.validated` with the overflow check on. `kernel` must be supported
    /// by this CPU (`Int8KernelPath.isSupported`; traps otherwise).
    public init(network: Int8Network, threads: Int = 1, chunkSize: Int? = nil, kernel: Int8KernelPath = .selected) {
        precondition(kernel.isSupported, "kernel path \(kernel.rawValue) is not supported by this CPU")
        self.network = network
        self.threads = max(1, threads)
        self.kernel = kernel
        tensorSizes = network.tensorShapes.map { $0.reduce(1, *) }
        self.chunkSize = max(1, chunkSize ?? Self.defaultChunkSize(bytesPerItem: tensorSizes.reduce(0, +)))
        var patch = 16, acc = 16
        var ls: [FastLayer] = []
        for L in network.layers {
            let zi = network.tensorZeroPoints[L.inputs[0]]
            let common = FastLayerCommon(inputs: L.inputs, inputZeroPoint: zi,
                                         secondZeroPoint: L.inputs.count > 1 ? network.tensorZeroPoints[L.inputs[1]] : 0,
                                         outputZeroPoint: L.outputZeroPoint, activationMin: L.activationMin,
                                         activationMax: L.activationMax, output: L.index + 1)
            let rounding = network.rounding
            if let op = FastExtraOp(L.kind) { ls.append(.extra(common, op)); continue }
            switch L.kind {
            case .conv(let p) where !p.depthwise:
                let k = Int8ConvKernel(plan: p, inputZeroPoint: zi, outputZeroPoint: L.outputZeroPoint,
                                       activationMin: L.activationMin, activationMax: L.activationMax, rounding: rounding, path: kernel)
                patch = max(patch, k.scratchCount)
                ls.append(.conv(common, k))
            case .conv(let p):
                let k = Int8DepthwiseKernel(plan: p, inputZeroPoint: zi, outputZeroPoint: L.outputZeroPoint,
                                            activationMin: L.activationMin, activationMax: L.activationMax, rounding: rounding)
                acc = max(acc, k.accumulatorCount)
                ls.append(.depthwise(common, k))
            case .fullyConnected(let p):
                let k = Int8FullyConnectedKernel(plan: p, inputZeroPoint: zi, outputZeroPoint: L.outputZeroPoint,
                                                 activationMin: L.activationMin, activationMax: L.activationMax, rounding: rounding, path: kernel)
                patch = max(patch, k.scratchCount)
                ls.append(.fullyConnected(common, k))
            case .add(let p): ls.append(.add(common, p))
            case .averagePool(let p):
                let k = Int8PoolKernel(plan: p, isMax: false, activationMin: L.activationMin, activationMax: L.activationMax)
                acc = max(acc, k.accumulatorCount)
                ls.append(.pool(common, k))
            case .maxPool(let p):
                let k = Int8PoolKernel(plan: p, isMax: true, activationMin: L.activationMin, activationMax: L.activationMax)
                acc = max(acc, k.accumulatorCount)
                ls.append(.pool(common, k))
            case .reshape: ls.append(.reshape(common))
            case .pad(let p): ls.append(.gather(common, p.sourceIndex))
            case .mean, .mul, .concatenation: preconditionFailure("FastExtraOp runs these")
            }
        }
        layers = ls
        var st = Array(tensorSizes.indices)
        for L in ls {
            if case .reshape(let c) = L, tensorSizes[c.output] == tensorSizes[c.inputs[0]] { st[c.output] = st[c.inputs[0]] }
        }
        storage = st
        patchCapacity = patch
        accCapacity = acc
    }

    /// The chunk size when none is given: as many items as keep one chunk's tensors within
    /// `chunkBudgetBytes`, between 8 and 256. Small models (the digits CNN: 842 bytes of tensors per item)
    /// get long chunks, so that each layer's per-call cost (kernel entry, requantisation constants, weight
    /// panels brought into cache) is paid once per many items; large models keep chunks of 8.
    public static func defaultChunkSize(bytesPerItem: Int) -> Int {
        max(8, min(256, chunkBudgetBytes / max(1, bytesPerItem)))
    }

    /// The tensor bytes of one chunk that `defaultChunkSize` aims at.
    public static let chunkBudgetBytes = 48 * 1024

    /// Number of grid values per input.
    public var inputCount: Int { network.inputCount }
    /// Number of logits (classes) per input.
    public var classCount: Int { network.classCount }

    /// Classifies `batch` inputs given as grid values (Int32, batch-major, `inputCount` each) and writes
    /// the ArgMax class of each (lowest index on ties) to `classes[0..<batch]`.
    /// Equals `ReferenceInt8Evaluator.evaluate(_:grid:).classIndex` for each input.
    public func classify(grid: UnsafeBufferPointer<Int32>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>) {
        precondition(grid.count >= batch * inputCount && classes.count >= batch, "buffers too small")
        run(grid: grid, batch: batch, logits: nil, classes: classes.baseAddress)
    }

    /// Writes the int8 logits of `batch` inputs (batch-major, `classCount` each).
    /// Equals `ReferenceInt8Evaluator.evaluate(_:grid:).logits` for each input.
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
            for (t, s) in tensorSizes.enumerated() {
                if storage[t] != t { offsets.append(offsets[storage[t]]); continue }  // a reshape's output: its input's bytes
                offsets.append(total); total += s * chunkSize
            }
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
                            // ArgMax, lowest index wins ties (ReferenceInt8Ops.argMax).
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
        // Input stage (ReferenceInt8Ops.quantizeInput): clamp(Z + gridMultiplier * g, -128, 127) in Int64.
        intrs_quantize_input(kernel.c, grid, n * inputCount, Int32(network.input.zeroPoint),
                             Int32(network.input.gridMultiplier), tensors + offsets[0])
        let dbl = network.rounding == .double
        for layer in layers {
            switch layer {
            case .conv(let c, let k):
                let inSize = tensorSizes[c.inputs[0]], outSize = tensorSizes[c.output]
                k.run(kernel, input: tensors + offsets[c.inputs[0]], inputStride: inSize, items: n,
                      output: tensors + offsets[c.output], outputStride: outSize, scratch: patch)
            case .depthwise(let c, let k):
                k.run(kernel, input: tensors + offsets[c.inputs[0]], inputStride: tensorSizes[c.inputs[0]], items: n,
                      output: tensors + offsets[c.output], outputStride: tensorSizes[c.output], acc: acc)
            case .fullyConnected(let c, let k):
                k.run(kernel, input: tensors + offsets[c.inputs[0]], inputStride: tensorSizes[c.inputs[0]], items: n,
                      output: tensors + offsets[c.output], outputStride: tensorSizes[c.output], scratch: patch)
            case .add(let c, let p):
                FastInt8Kernels.add(p, a: tensors + offsets[c.inputs[0]], b: tensors + offsets[c.inputs[1]],
                                    output: tensors + offsets[c.output], count: n * p.count, common: c, double: dbl, path: kernel)
            case .pool(let c, let k):
                k.run(kernel, input: tensors + offsets[c.inputs[0]], inputStride: tensorSizes[c.inputs[0]], items: n,
                      output: tensors + offsets[c.output], outputStride: tensorSizes[c.output], sum: acc)
            case .reshape(let c):
                if storage[c.output] != c.output { continue }  // aliased: the input's bytes are the output
                let src = tensors + offsets[c.inputs[0]], dst = tensors + offsets[c.output]
                dst.update(from: src, count: n * tensorSizes[c.output])
            case .gather(let c, let map):
                FastGather.run(map, input: tensors + offsets[c.inputs[0]], inputSize: tensorSizes[c.inputs[0]],
                               output: tensors + offsets[c.output], n: n, fill: Int8(truncatingIfNeeded: c.outputZeroPoint))
            case .extra(let c, let op):
                op.run(tensors: tensors, offsets: offsets, sizes: tensorSizes, n: n, common: c, double: dbl)
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
    case conv(FastLayerCommon, Int8ConvKernel)
    case depthwise(FastLayerCommon, Int8DepthwiseKernel)
    case fullyConnected(FastLayerCommon, Int8FullyConnectedKernel)
    case add(FastLayerCommon, Int8AddPlan)
    case pool(FastLayerCommon, Int8PoolKernel)
    case reshape(FastLayerCommon)
    /// pad: output element o = input element map[o], or the output zero point where map[o] < 0 (FastGather).
    case gather(FastLayerCommon, [Int32])
    /// broadcasting add, mul, mean, concatenation (FastTFLiteOps.swift).
    case extra(FastLayerCommon, FastExtraOp)
}
