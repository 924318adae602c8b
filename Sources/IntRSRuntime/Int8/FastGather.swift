/// Gathers int8 tensors through a precomputed index map: the fast form of `pad`.
enum FastGather {
    /// For each of `n` items: output[o] = input[map[o]], or `fill` where map[o] < 0.
    /// Equals `ReferenceInt8Ops.pad` (IntRSReference) when `map` is `Int8PadPlan.sourceIndex` and `fill` the
    /// zero point (FastInt8EvaluatorTests, int8-ops vectors).
    static func run(_ map: [Int32], input: UnsafeMutablePointer<Int8>, inputSize: Int, output: UnsafeMutablePointer<Int8>, n: Int, fill: Int8) {
        let outSize = map.count
        map.withUnsafeBufferPointer { m in
            for b in 0..<n {
                let src = input + b * inputSize, dst = output + b * outSize
                for o in 0..<outSize {
                    let s = Int(m[o])
                    dst[o] = s < 0 ? fill : src[s]
                }
            }
        }
    }
}
