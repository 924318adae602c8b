import CIntRSKernels
import IntRSCore

/// Conv2D (not depthwise) as a packed GEMM, prepared once at load: M = items x output pixels, K = kh * kw *
/// inC, N = outC. Portable and AVX2: patches of 32 output pixels built side by side (int16 x - Z_in, 0
/// outside the image), a 4 x 16 register-blocked micro-kernel, requantisation 8 channels at a time. AVX-512
/// VNNI: implicit GEMM over a padded copy of each input (no patches; kernel rows read whole, so K per
/// pixel is kh * roundup(kw * inC, 4); the copies of several items side by side so that the 8-row tiles of
/// small layers span items), an 8 x 32 micro-kernel on zmm registers, requantisation in registers 16 channels at a time (CIntRSKernels/vnni.c). The weights are
/// packed for the kernel path given at init, which must be the path `run` is called with.
/// Equals `ReferenceInt8Ops.conv` (IntRSReference) for a non-depthwise plan, on every kernel path.
struct Int8ConvKernel: Sendable {
    let shape: intrs_conv_shape
    let weights: PackedInt8Weights
    let requantization: Int8RequantizationKernel
    /// int16 scratch elements per call.
    let scratchCount: Int

    init(plan p: Int8ConvPlan, inputZeroPoint: Int32, outputZeroPoint: Int32, activationMin: Int32, activationMax: Int32,
         rounding: RescaleRounding, path: Int8KernelPath) {
        precondition(!p.depthwise)
        shape = intrs_conv_shape(in_h: Int32(p.inH), in_w: Int32(p.inW), in_c: Int32(p.inC), out_h: Int32(p.outH),
                                 out_w: Int32(p.outW), out_c: Int32(p.outC), kernel_h: Int32(p.kernelH),
                                 kernel_w: Int32(p.kernelW), stride_h: Int32(p.strideH), stride_w: Int32(p.strideW),
                                 dilation_h: Int32(p.dilationH), dilation_w: Int32(p.dilationW),
                                 pad_top: Int32(p.padTop), pad_left: Int32(p.padLeft), zero_in: inputZeroPoint)
        var s = shape
        // The path's cut of K into runs (AVX-512 VNNI: one run per kernel row when dilation_w = 1).
        var runs: Int32 = 0, runLength: Int32 = 0
        intrs_conv2d_weight_runs(path.c, &s, &runs, &runLength)
        weights = PackedInt8Weights(filter: p.filter, outChannels: p.outC, taps: Int(runs), channels: Int(runLength), path: path)
        requantization = Int8RequantizationKernel(bias: weights.bias(p.bias, inputZeroPoint: inputZeroPoint, path: path), multiplier: p.multiplier, shift: p.shift, zeroOut: outputZeroPoint,
                                            activationMin: activationMin, activationMax: activationMax, rounding: rounding)
        scratchCount = intrs_conv2d_scratch(&s)
    }

    /// Runs `items` inputs (`inputStride` int8 apart) into `items` outputs (`outputStride` apart).
    /// `scratch` has at least `scratchCount` int16.
    func run(_ path: Int8KernelPath, input: UnsafePointer<Int8>, inputStride: Int, items: Int,
             output: UnsafeMutablePointer<Int8>, outputStride: Int, scratch: UnsafeMutablePointer<Int16>) {
        var s = shape
        weights.words.withUnsafeBufferPointer { w in
            requantization.withC { rq in
                intrs_conv2d(path.c, &s, input, inputStride, Int32(items), w.baseAddress!, rq, output, outputStride, scratch)
            }
        }
    }
}

/// FullyConnected as a packed GEMM: M = the items of the chunk (the noisy copies of one input in a
/// certification), K = I, N = O. Equals `ReferenceInt8Ops.fullyConnected` for each item, on every path.
struct Int8FullyConnectedKernel: Sendable {
    let inCount: Int
    let outCount: Int
    let inputZeroPoint: Int32
    let weights: PackedInt8Weights
    let requantization: Int8RequantizationKernel
    let scratchCount: Int

    init(plan p: Int8FullyConnectedPlan, inputZeroPoint: Int32, outputZeroPoint: Int32, activationMin: Int32,
         activationMax: Int32, rounding: RescaleRounding, path: Int8KernelPath) {
        inCount = p.inCount
        outCount = p.outCount
        self.inputZeroPoint = inputZeroPoint
        weights = PackedInt8Weights(filter: p.filter, outChannels: p.outCount, taps: 1, channels: p.inCount, path: path)
        requantization = Int8RequantizationKernel(bias: weights.bias(p.bias, inputZeroPoint: inputZeroPoint, path: path), multiplier: p.multiplier, shift: p.shift, zeroOut: outputZeroPoint,
                                            activationMin: activationMin, activationMax: activationMax, rounding: rounding)
        scratchCount = intrs_fully_connected_scratch(Int32(p.inCount), 0)
    }

    func run(_ path: Int8KernelPath, input: UnsafePointer<Int8>, inputStride: Int, items: Int,
             output: UnsafeMutablePointer<Int8>, outputStride: Int, scratch: UnsafeMutablePointer<Int16>) {
        weights.words.withUnsafeBufferPointer { w in
            requantization.withC { rq in
                intrs_fully_connected(path.c, Int32(inCount), Int32(outCount), inputZeroPoint, input, inputStride,
                                      Int32(items), w.baseAddress!, rq, output, outputStride, scratch)
            }
        }
    }
}
