import CIntRSKernels
import IntRSCore

/// DepthwiseConv2D, vectorised over channels (int32 accumulators, wrapping adds, exact under the static
/// bound), then the requantisation. Equals `ReferenceInt8Ops.conv` for a depthwise plan, on every path.
struct Int8DepthwiseKernel: Sendable {
    let shape: intrs_conv_shape
    let depthMultiplier: Int
    /// Filter [1, KH, KW, C * multiplier] widened to int32.
    let weights: [Int32]
    let requantization: Int8RequantizationKernel
    /// int32 scratch elements per call (output channels rounded up to 8).
    let accumulatorCount: Int

    init(plan p: Int8ConvPlan, inputZeroPoint: Int32, outputZeroPoint: Int32, activationMin: Int32, activationMax: Int32,
         rounding: RescaleRounding) {
        precondition(p.depthwise)
        shape = intrs_conv_shape(in_h: Int32(p.inH), in_w: Int32(p.inW), in_c: Int32(p.inC), out_h: Int32(p.outH),
                                 out_w: Int32(p.outW), out_c: Int32(p.outC), kernel_h: Int32(p.kernelH),
                                 kernel_w: Int32(p.kernelW), stride_h: Int32(p.strideH), stride_w: Int32(p.strideW),
                                 dilation_h: Int32(p.dilationH), dilation_w: Int32(p.dilationW),
                                 pad_top: Int32(p.padTop), pad_left: Int32(p.padLeft), zero_in: inputZeroPoint)
        depthMultiplier = p.depthMultiplier
        weights = p.filter.map { Int32($0) }
        requantization = Int8RequantizationKernel(bias: p.bias, multiplier: p.multiplier, shift: p.shift, zeroOut: outputZeroPoint,
                                            activationMin: activationMin, activationMax: activationMax, rounding: rounding)
        accumulatorCount = (p.outC + 7) & ~7
    }

    /// `items` inputs (`inputStride` int8 apart) into `items` outputs (`outputStride` apart). `acc` has at
    /// least `accumulatorCount` int32.
    func run(_ path: Int8KernelPath, input: UnsafePointer<Int8>, inputStride: Int, items: Int,
             output: UnsafeMutablePointer<Int8>, outputStride: Int, acc: UnsafeMutablePointer<Int32>) {
        var s = shape
        weights.withUnsafeBufferPointer { w in
            requantization.withC { rq in
                intrs_depthwise_items(path.c, &s, Int32(depthMultiplier), w.baseAddress!, input, inputStride, Int32(items),
                                      output, outputStride, rq, acc)
            }
        }
    }
}

/// AveragePool2D (valid taps, rounded half away from zero) or MaxPool2D, vectorised over channels, then
/// the clamp. Equals `ReferenceInt8Ops.pool`, on every path.
struct Int8PoolKernel: Sendable {
    let shape: intrs_pool_shape
    let isMax: Bool
    /// int32 scratch elements per call.
    var accumulatorCount: Int { Int(shape.channels) }

    init(plan p: Int8PoolPlan, isMax: Bool, activationMin: Int32, activationMax: Int32) {
        shape = intrs_pool_shape(in_h: Int32(p.inH), in_w: Int32(p.inW), channels: Int32(p.channels), out_h: Int32(p.outH),
                                 out_w: Int32(p.outW), pool_h: Int32(p.poolH), pool_w: Int32(p.poolW),
                                 stride_h: Int32(p.strideH), stride_w: Int32(p.strideW), pad_top: Int32(p.padTop),
                                 pad_left: Int32(p.padLeft), act_min: activationMin, act_max: activationMax)
        self.isMax = isMax
    }

    /// `items` inputs (`inputStride` int8 apart) into `items` outputs (`outputStride` apart). `sum` has at
    /// least `accumulatorCount` int32.
    func run(_ path: Int8KernelPath, input: UnsafePointer<Int8>, inputStride: Int, items: Int,
             output: UnsafeMutablePointer<Int8>, outputStride: Int, sum: UnsafeMutablePointer<Int32>) {
        var s = shape
        intrs_pool_items(path.c, &s, isMax ? 1 : 0, input, inputStride, Int32(items), output, outputStride, sum)
    }
}
