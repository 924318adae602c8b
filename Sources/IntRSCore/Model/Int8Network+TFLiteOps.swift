/// Plans of the ops added for TFLite import: mean, mul, concatenation, and broadcasting (add, mul).
/// Built only by `Int8Model.validated(file:)`; semantics in Vectors/model-format.md, "Ops".

/// Broadcasting of an elementwise binary op, as TFLite's BroadcastBinaryFunction6DSlow (and numpy) define it:
/// the shapes are aligned on the right (the shorter one gets leading 1s); in every dimension the two sizes are
/// equal or one of them is 1, and the output has the larger size. `aIndex[o]` / `bIndex[o]` is the element of
/// input a / b that output element o (row-major) reads; the reference walks coordinates instead.
public struct Int8BroadcastPlan: Sendable, Equatable {
    public var aShape: [Int]
    public var bShape: [Int]
    public var outShape: [Int]
    public var aIndex: [Int32]
    public var bIndex: [Int32]

    /// The broadcast output shape of `a` and `b`, or nil when they do not broadcast.
    public static func outputShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let r = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: r - a.count) + a, pb = [Int](repeating: 1, count: r - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else { return nil }
            out.append(max(x, y))
        }
        return out
    }

    /// The plan for shapes that broadcast (`outputShape(a, b) != nil`).
    public init(a: [Int], b: [Int]) {
        let out = Int8BroadcastPlan.outputShape(a, b)!
        aShape = a; bShape = b; outShape = out
        func map(_ s: [Int]) -> [Int32] {
            let r = out.count
            let p = [Int](repeating: 1, count: r - s.count) + s
            // Row-major strides of the input, 0 along a broadcast dimension.
            var strides = [Int](repeating: 0, count: r), step = 1
            for d in (0..<r).reversed() { strides[d] = p[d] == 1 ? 0 : step; step *= p[d] }
            let total = out.reduce(1, *)
            var idx = [Int32](repeating: 0, count: total)
            for o in 0..<total {
                var rem = o, i = 0
                for d in (0..<r).reversed() { i += (rem % out[d]) * strides[d]; rem /= out[d] }
                idx[o] = Int32(i)
            }
            return idx
        }
        aIndex = map(a); bIndex = map(b)
    }
}

/// Mean over H and W of an [H, W, C] input (TFLite MEAN with axis {1, 2} on NHWC, int8 reference kernel
/// reference_ops::QuantizedMeanOrSum): per channel, v = sum of the n = H * W raw inputs - n * Z_in, and
/// out = clamp(Z_out + rescale(v; derivedMultiplier, derivedShift), -128, 127).
public struct Int8MeanPlan: Sendable {
    public var inH: Int, inW: Int, channels: Int
    /// The stored (M0, shift): QuantizeMultiplier(S_in / S_out).
    public var multiplier: Int32
    public var shift: Int32
    /// The rescale of the sum that TFLite derives from (M0, shift) and n (`derive`): M' in [2^29, 2^31), or smaller
    /// (still >= 0) when k is capped by 31 + shift; outside the stored format's [2^30, 2^31), which is why the
    /// model stores (M0, shift) and n decides the rest.
    public var derivedMultiplier: Int32
    public var derivedShift: Int32

    /// TFLite's derivation (reduce.h, QuantizedMeanOrSum, compute_sum = false): with k = floor(log2 n),
    /// k = min(k, 32), k = min(k, 31 + shift): M' = floor(M0 * 2^k / n) (int64, truncating), shift' = shift - k.
    /// Requires n >= 1, M0 in [0, 2^31), shift >= -31.
    public static func derive(multiplier m: Int32, shift: Int32, count n: Int) -> (multiplier: Int32, shift: Int32) {
        var k = Int32(63 - UInt64(n).leadingZeroBitCount)
        k = min(k, 32)
        k = min(k, 31 + shift)
        return (Int32(truncatingIfNeeded: (Int64(m) << Int64(k)) / Int64(n)), shift - k)
    }
}

/// Mul (TFLite MUL, int8 reference kernel): out = clamp(Z_out + rescale((x_a - Z_a) * (x_b - Z_b))), with
/// broadcasting when the shapes differ.
public struct Int8MulPlan: Sendable {
    /// Output elements.
    public var count: Int
    public var outputMultiplier: Int32
    public var outputShift: Int32
    /// nil when both inputs have the output's shape.
    public var broadcast: Int8BroadcastPlan?
}

/// Concatenation along `axis` of inputs of equal rank whose other dimensions agree (TFLite CONCATENATION, int8:
/// all inputs share the output's scale and zero point, so the op copies bytes). With outer = product of the
/// dimensions before `axis` and inner = product after it, output block k holds, for each input i in order, the
/// input's k-th block of `axisSizes[i] * inner` elements.
public struct Int8ConcatenationPlan: Sendable {
    public var axis: Int
    public var outer: Int
    public var inner: Int
    /// Each input's size along `axis`.
    public var axisSizes: [Int]
    public var outShape: [Int]
}
