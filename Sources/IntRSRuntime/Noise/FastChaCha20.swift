import CIntRSKernels
import IntRSCore

/// ChaCha20 keystream words computed by CIntRSKernels (Sources/CIntRSKernels/chacha20.c, chacha20_avx2.c) on
/// a kernel path: `portable` (plain C, one block at a time), `avx2` (8 blocks per vector pass) or `avx512vnni`
/// (AVX-512F, 16 blocks per pass). The path is the int8 kernels' run-time choice (`Int8KernelPath.selected`:
/// CPU check, `INTRS_KERNEL` forces one); tests pass each path explicitly.
///
/// Equals the Swift definition word for word: word i of the result of ``words(key:nonce:fromBlock:count:path:into:)``
/// is word (i mod 16) of `ChaCha20.block(key:counter:nonce:)` at counter (fromBlock + i / 16) mod 2^32, and so
/// word 16 fromBlock + i of `ChaChaStream` when no wrap occurs (RFC 8439 §2.3; tested against RFC 8439 §2.3.2,
/// Appendix A.1, and the Swift stream on random keys, nonces and counters, across the counter wrap and for
/// counts that end inside a block, on every path this CPU runs).
public enum FastChaCha20 {
    /// `count` keystream words of the stream (key, nonce) from block `fromBlock` into `out[0 ..< count]`.
    /// Traps unless `path.isSupported`.
    public static func words(key: SIMD8<UInt32>, nonce: SIMD3<UInt32>, fromBlock: UInt32, count: Int,
                             path: Int8KernelPath = .selected, into out: UnsafeMutablePointer<UInt32>) {
        precondition(count >= 0 && path.isSupported, "FastChaCha20.words: count must be >= 0 and the path supported")
        var k = key
        var n = SIMD4<UInt32>(nonce[0], nonce[1], nonce[2], 0)
        withUnsafeBytes(of: &k) { kp in
            withUnsafeBytes(of: &n) { np in
                intrs_chacha20_stream(path.c, kp.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                      np.baseAddress!.assumingMemoryBound(to: UInt32.self), fromBlock, count, out)
            }
        }
    }

    /// The first `words` words of each of several streams with one key: stream s has the nonce
    /// `nonces[3 s ..< 3 s + 3]` (state words 13-15) and its words go to `out[s * words ..< (s + 1) * words]`.
    /// The blocks of 8 (AVX2) or 16 (AVX-512) streams are computed side by side. Traps unless
    /// `nonces.count` is a multiple of 3 and `path.isSupported`.
    public static func prefixes(key: SIMD8<UInt32>, nonces: UnsafeBufferPointer<UInt32>, words: Int,
                                path: Int8KernelPath = .selected, into out: UnsafeMutablePointer<UInt32>) {
        precondition(nonces.count % 3 == 0 && words >= 0 && path.isSupported,
                     "FastChaCha20.prefixes: 3 nonce words per stream, words >= 0, a supported path")
        var k = key
        withUnsafeBytes(of: &k) { kp in
            intrs_chacha20_streams(path.c, kp.baseAddress!.assumingMemoryBound(to: UInt32.self), nonces.baseAddress,
                                   nonces.count / 3, 0, words, out)
        }
    }
}
