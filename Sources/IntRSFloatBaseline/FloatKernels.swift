/// Inner loops of the float32 evaluator, written so that LLVM vectorizes them.
enum FloatKernels {
    /// Float dot product with four SIMD8 accumulators; n must be a multiple of 8.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var k = 0
        while k + 32 <= n {
            s0 += ra.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
            s1 += ra.loadUnaligned(fromByteOffset: 4 * k + 32, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * k + 32, as: SIMD8<Float>.self)
            s2 += ra.loadUnaligned(fromByteOffset: 4 * k + 64, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * k + 64, as: SIMD8<Float>.self)
            s3 += ra.loadUnaligned(fromByteOffset: 4 * k + 96, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * k + 96, as: SIMD8<Float>.self)
            k += 32
        }
        while k < n {
            s0 += ra.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
            k += 8
        }
        return ((s0 + s1) + (s2 + s3)).sum()
    }
}
