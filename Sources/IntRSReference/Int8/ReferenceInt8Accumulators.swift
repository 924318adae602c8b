import IntRSCore

/// The accumulators of the requantizing ops (bias plus the in-image taps of w * (x - Z_in)), before any rescale
/// or overflow check: the one definition that `ReferenceInt8Ops.conv` / `.fullyConnected` (which then check
/// and rescale each) and `Int8RuleEvaluator` (which requantizes them under any rule) share.
/// Exact in `Int`: |acc| < 2^40 (see `ReferenceInt8Ops`).
public enum ReferenceInt8Accumulators {
    public static func conv(_ p: Int8ConvPlan, input: [Int], inputZeroPoint zi: Int) -> [Int] {
        var out = [Int](repeating: 0, count: p.outH * p.outW * p.outC)
        for oy in 0..<p.outH {
            for ox in 0..<p.outW {
                for oc in 0..<p.outC {
                    var acc = Int(p.bias[oc])
                    for ky in 0..<p.kernelH {
                        let iy = oy * p.strideH - p.padTop + ky * p.dilationH
                        if iy < 0 || iy >= p.inH { continue }
                        for kx in 0..<p.kernelW {
                            let ix = ox * p.strideW - p.padLeft + kx * p.dilationW
                            if ix < 0 || ix >= p.inW { continue }
                            if p.depthwise {
                                let w = Int(p.filter[(ky * p.kernelW + kx) * p.outC + oc])
                                acc += w * (input[(iy * p.inW + ix) * p.inC + oc / p.depthMultiplier] - zi)
                            } else {
                                for ic in 0..<p.inC {
                                    let w = Int(p.filter[((oc * p.kernelH + ky) * p.kernelW + kx) * p.inC + ic])
                                    acc += w * (input[(iy * p.inW + ix) * p.inC + ic] - zi)
                                }
                            }
                        }
                    }
                    out[(oy * p.outW + ox) * p.outC + oc] = acc
                }
            }
        }
        return out
    }

    public static func fullyConnected(_ p: Int8FullyConnectedPlan, input: [Int], inputZeroPoint zi: Int) -> [Int] {
        (0..<p.outCount).map { o in
            var acc = Int(p.bias[o])
            for i in 0..<p.inCount { acc += Int(p.filter[o * p.inCount + i]) * (input[i] - zi) }
            return acc
        }
    }
}
