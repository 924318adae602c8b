/// Channel-blocked convolution kernel: weights packed as int16 pairs (k, k+1) per output channel, all
/// channels of one k-pair contiguous; each patch pair (x_k, x_k+1) is broadcast and multiplied into
/// 8-lane int32 accumulators for 8 output channels at a time (4 groups = 32 channels per pass). LLVM
/// turns lo(w) * lo(x) + hi(w) * hi(x) into pmaddwd. Exact for the same reason as `FastKernels.dot`:
/// int16 x int16 products are exact in int32 and the wrapping sums equal the true accumulator whenever it
/// fits int32 (guaranteed by `Int8Model.validated`). Equals `Int8ReferenceOps.conv` (accumulator part).
struct BlockedConvWeights: Sendable {
    /// Number of k-pairs (K rounded up to even, halved).
    let kPairs: Int
    /// Output channels rounded up to a multiple of 8.
    let paddedChannels: Int
    /// Packed words: word(kp, c) = UInt16(w[c][2kp]) | UInt16(w[c][2kp + 1]) << 16, at kp * paddedChannels + c.
    let words: [Int32]

    init(filter: [Int8], outChannels: Int, k: Int) {
        kPairs = (k + 1) / 2
        paddedChannels = (outChannels + 7) & ~7
        var w = [Int32](repeating: 0, count: kPairs * paddedChannels)
        for c in 0..<outChannels {
            for kp in 0..<kPairs {
                let lo = Int32(filter[c * k + 2 * kp])
                let hi = 2 * kp + 1 < k ? Int32(filter[c * k + 2 * kp + 1]) : 0
                w[kp * paddedChannels + c] = (lo & 0xFFFF) | (hi << 16)
            }
        }
        words = w
    }

    /// acc[c] = sum_k w[c][k] * patch[k] (wrapping int32) for c < paddedChannels; patch has 2 * kPairs
    /// int16 values (zero beyond K).
    @inline(__always)
    func accumulate(patch: UnsafePointer<Int16>, acc: UnsafeMutablePointer<Int32>) {
        words.withUnsafeBufferPointer { wb in
            let w = UnsafeRawPointer(wb.baseAddress!)
            let x = UnsafeRawPointer(patch)
            let stride = paddedChannels * 4
            var g = 0
            while g + 32 <= paddedChannels {
                Self.block4(w + 4 * g, stride: stride, x: x, kPairs: kPairs, acc: acc + g)
                g += 32
            }
            while g < paddedChannels {
                Self.block1(w + 4 * g, stride: stride, x: x, kPairs: kPairs, acc: acc + g)
                g += 8
            }
        }
    }

    @inline(never)
    static func block4(_ w: UnsafeRawPointer, stride: Int, x: UnsafeRawPointer, kPairs: Int, acc: UnsafeMutablePointer<Int32>) {
        var a0 = SIMD8<Int32>(), a1 = SIMD8<Int32>(), a2 = SIMD8<Int32>(), a3 = SIMD8<Int32>()
        var p = w
        for kp in 0..<kPairs {
            let xp = x.loadUnaligned(fromByteOffset: 4 * kp, as: Int32.self)
            let xlo = SIMD8<Int32>(repeating: (xp &<< 16) &>> 16), xhi = SIMD8<Int32>(repeating: xp &>> 16)
            let w0 = p.loadUnaligned(as: SIMD8<Int32>.self)
            let w1 = p.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int32>.self)
            let w2 = p.loadUnaligned(fromByteOffset: 64, as: SIMD8<Int32>.self)
            let w3 = p.loadUnaligned(fromByteOffset: 96, as: SIMD8<Int32>.self)
            a0 &+= ((w0 &<< 16) &>> 16) &* xlo &+ (w0 &>> 16) &* xhi
            a1 &+= ((w1 &<< 16) &>> 16) &* xlo &+ (w1 &>> 16) &* xhi
            a2 &+= ((w2 &<< 16) &>> 16) &* xlo &+ (w2 &>> 16) &* xhi
            a3 &+= ((w3 &<< 16) &>> 16) &* xlo &+ (w3 &>> 16) &* xhi
            p += stride
        }
        let out = UnsafeMutableRawPointer(acc)
        out.storeBytes(of: a0, as: SIMD8<Int32>.self)
        out.storeBytes(of: a1, toByteOffset: 32, as: SIMD8<Int32>.self)
        out.storeBytes(of: a2, toByteOffset: 64, as: SIMD8<Int32>.self)
        out.storeBytes(of: a3, toByteOffset: 96, as: SIMD8<Int32>.self)
    }

    @inline(never)
    static func block1(_ w: UnsafeRawPointer, stride: Int, x: UnsafeRawPointer, kPairs: Int, acc: UnsafeMutablePointer<Int32>) {
        var a0 = SIMD8<Int32>()
        var p = w
        for kp in 0..<kPairs {
            let xp = x.loadUnaligned(fromByteOffset: 4 * kp, as: Int32.self)
            let xlo = SIMD8<Int32>(repeating: (xp &<< 16) &>> 16), xhi = SIMD8<Int32>(repeating: xp &>> 16)
            let w0 = p.loadUnaligned(as: SIMD8<Int32>.self)
            a0 &+= ((w0 &<< 16) &>> 16) &* xlo &+ (w0 &>> 16) &* xhi
            p += stride
        }
        UnsafeMutableRawPointer(acc).storeBytes(of: a0, as: SIMD8<Int32>.self)
    }
}
