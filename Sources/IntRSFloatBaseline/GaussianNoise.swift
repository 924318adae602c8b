import Foundation
import IntRSCore
import IntRSRuntime

/// A source of uniform 32-bit words (a ChaCha20 stream in practice).
public protocol UniformWordSource {
    mutating func nextWord() -> UInt32
}

extension ChaChaStream: UniformWordSource {}

/// Continuous Gaussian noise for the float32 baseline, from the same kind of stream as the integer noise.
///
/// Box–Muller, specified so another runtime can reproduce it: a uniform u in (0, 1] is
/// u = ((w0 >> 5) * 2^26 + (w1 >> 6) + 1) / 2^53 from two consecutive words (w0 first); each pair of
/// normals takes u1 then u2 (four words) and gives z0 = r cos(2 pi u2), z1 = r sin(2 pi u2) with
/// r = sqrt(-2 ln u1). Coordinates are filled in order z0, z1, z0, z1, ...; an odd last coordinate
/// drops its z1. (libm's cos/sin/log may differ in the last ulp between platforms; the baseline is not
/// bit-for-bit specified beyond that.)
public enum BoxMuller {
    @inlinable
    public static func uniformOpenClosed<S: UniformWordSource>(_ s: inout S) -> Double {
        let hi = UInt64(s.nextWord() >> 5), lo = UInt64(s.nextWord() >> 6)
        return Double((hi << 26) + lo + 1) * 0x1p-53
    }

    /// Fills `out` with standard normals times `sigma`.
    @inlinable
    public static func fill<S: UniformWordSource>(_ s: inout S, sigma: Float, into out: UnsafeMutableBufferPointer<Float>) {
        var i = 0
        while i < out.count {
            let u1 = uniformOpenClosed(&s), u2 = uniformOpenClosed(&s)
            let r = (-2 * Foundation.log(u1)).squareRoot()
            let t = 2 * Double.pi * u2
            out[i] = sigma * Float(r * Foundation.cos(t))
            if i + 1 < out.count { out[i + 1] = sigma * Float(r * Foundation.sin(t)) }
            i += 2
        }
    }
}

/// Continuous Gaussian noise N(0, sigma^2) (grid units) for the float32 baseline: Box–Muller (see `BoxMuller`)
/// on the ChaCha20 stream with the same seed and the same stream ids as the integer run, so both runs see
/// noise from the same stream family (the float path consumes it differently; it is not the same noise).
/// A `GridNoiseSource` over `Float` grid values: the float counterpart of the runtime's `StreamNoiseSource`.
public struct GaussianStreamNoiseSource: GridNoiseSource {
    public let seed: Seed
    /// Standard deviation in grid units.
    public let sigma: Float
    /// The ChaCha20 kernel path of the batch form (`FastChaCha20`; default `Int8KernelPath.selected`).
    public let path: Int8KernelPath
    let key: SIMD8<UInt32>
    public init(seed: Seed, sigma: Float, path: Int8KernelPath = .selected) {
        self.seed = seed; self.sigma = sigma; self.path = path; key = seed.keyWords
    }

    public func fill(example: UInt32, phase: UInt32, index: UInt32, into out: UnsafeMutableBufferPointer<Float>) {
        var s = ChaChaStream(seed: seed, id: StreamID(example: example, phase: phase, index: index))
        BoxMuller.fill(&s, sigma: sigma, into: out)
    }

    /// The batch form: Box–Muller takes exactly 4 ceil(d / 2) words of each stream (two per uniform, two uniforms
    /// per pair of coordinates), so those words are computed first for all `count` streams side by side
    /// (`FastChaCha20.prefixes`, 8 or 16 streams per vector pass) and Box–Muller reads them from memory. Same
    /// words, same arithmetic: equals the one-index `fill` for each index, bit for bit (tested on every path).
    public func fill(example: UInt32, phase: UInt32, firstIndex: UInt32, count: Int, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(count >= 1 && out.count % count == 0, "fill: out.count must be a multiple of count >= 1")
        let d = out.count / count
        guard d > 0, let o = out.baseAddress else { return }
        let w = 4 * ((d + 1) / 2)
        let words = UnsafeMutablePointer<UInt32>.allocate(capacity: count * w)
        let nonces = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 3 * count)
        defer { words.deallocate(); nonces.deallocate() }
        for j in 0..<count {
            nonces[3 * j] = example
            nonces[3 * j + 1] = phase
            nonces[3 * j + 2] = firstIndex &+ UInt32(truncatingIfNeeded: j)
        }
        FastChaCha20.prefixes(key: key, nonces: UnsafeBufferPointer(nonces), words: w, path: path, into: words)
        for j in 0..<count {
            var src = PrefetchedWords(words: words + j * w, count: w)
            BoxMuller.fill(&src, sigma: sigma, into: UnsafeMutableBufferPointer(start: o + j * d, count: d))
        }
    }
}

/// Words read in order from memory (a stream's prefix computed by `FastChaCha20`). Traps past `count` words.
struct PrefetchedWords: UniformWordSource {
    let words: UnsafePointer<UInt32>
    let count: Int
    var position = 0
    init(words: UnsafePointer<UInt32>, count: Int) { self.words = words; self.count = count }
    @inline(__always)
    mutating func nextWord() -> UInt32 {
        precondition(position < count, "PrefetchedWords: read past the \(count) prefetched words")
        let w = words[position]
        position &+= 1
        return w
    }
}
