/// The ChaCha20 block function of RFC 8439 §2.3, on 32-bit words.
///
/// State layout (RFC 8439 §2.3): words 0–3 are the constants "expand 32-byte k"
/// (0x61707865, 0x3320646e, 0x79622d32, 0x6b206574), words 4–11 the key read as eight
/// little-endian 32-bit words, word 12 the block counter, words 13–15 the nonce read as three
/// little-endian 32-bit words. Twenty rounds (ten column/diagonal double rounds), then the input
/// state is added word-wise mod 2^32. The serialized block is the 16 output words, each written
/// little-endian (RFC 8439 §2.3.2).
///
/// Known-answer tests: RFC 8439 §2.3.2 and Appendix A.1 (Tests/IntRSCoreTests/ChaCha20Tests.swift
/// and Vectors/chacha20.v1.json).
public enum ChaCha20 {
    /// "expand 32-byte k" as four little-endian words.
    public static let constants: (UInt32, UInt32, UInt32, UInt32) = (0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574)

    /// One block: the 16 output words for `key` (8 words), `counter` and `nonce` (3 words).
    /// This is the plain scalar definition; ``blocks4`` is the vectorised one the stream uses,
    /// and tests check that they agree.
    public static func block(key: [UInt32], counter: UInt32, nonce: [UInt32]) -> [UInt32] {
        precondition(key.count == 8 && nonce.count == 3, "ChaCha20.block: key must be 8 words and nonce 3 words")
        let input: [UInt32] = [constants.0, constants.1, constants.2, constants.3] + key + [counter] + nonce
        var x = input
        @inline(__always) func qr(_ a: Int, _ b: Int, _ c: Int, _ d: Int) {
            x[a] &+= x[b]; x[d] ^= x[a]; x[d] = x[d].rotl(16)
            x[c] &+= x[d]; x[b] ^= x[c]; x[b] = x[b].rotl(12)
            x[a] &+= x[b]; x[d] ^= x[a]; x[d] = x[d].rotl(8)
            x[c] &+= x[d]; x[b] ^= x[c]; x[b] = x[b].rotl(7)
        }
        for _ in 0..<10 {
            qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
            qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
        }
        return (0..<16).map { x[$0] &+ input[$0] }
    }

    /// The serialized block (64 bytes): each output word little-endian, in order (RFC 8439 §2.3.2).
    public static func serializedBlock(key: [UInt8], counter: UInt32, nonce: [UInt8]) -> [UInt8] {
        precondition(key.count == 32 && nonce.count == 12, "ChaCha20.serializedBlock: key 32 bytes, nonce 12 bytes")
        let words = block(key: littleEndianWords(key), counter: counter, nonce: littleEndianWords(nonce))
        return words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * UInt32($0))) } }
    }

    /// Reads bytes as little-endian 32-bit words (count must be a multiple of 4).
    public static func littleEndianWords(_ bytes: [UInt8]) -> [UInt32] {
        precondition(bytes.count % 4 == 0)
        return stride(from: 0, to: bytes.count, by: 4).map { i in
            UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        }
    }

    /// Four consecutive blocks (counters `counter ..< counter + 4`, wrapping mod 2^32) computed with
    /// 4-lane SIMD, written to `out[0..<64]`: block i occupies `out[16*i ..< 16*i + 16]`.
    /// Equal to four calls of ``block(key:counter:nonce:)`` (tested).
    @inlinable
    public static func blocks4(key k: SIMD8<UInt32>, counter: UInt32, nonce n: SIMD3<UInt32>,
                               into out: UnsafeMutablePointer<UInt32>) {
        let c0 = SIMD4<UInt32>(repeating: constants.0), c1 = SIMD4<UInt32>(repeating: constants.1)
        let c2 = SIMD4<UInt32>(repeating: constants.2), c3 = SIMD4<UInt32>(repeating: constants.3)
        let k0 = SIMD4<UInt32>(repeating: k[0]), k1 = SIMD4<UInt32>(repeating: k[1])
        let k2 = SIMD4<UInt32>(repeating: k[2]), k3 = SIMD4<UInt32>(repeating: k[3])
        let k4 = SIMD4<UInt32>(repeating: k[4]), k5 = SIMD4<UInt32>(repeating: k[5])
        let k6 = SIMD4<UInt32>(repeating: k[6]), k7 = SIMD4<UInt32>(repeating: k[7])
        let ctr = SIMD4<UInt32>(repeating: counter) &+ SIMD4<UInt32>(0, 1, 2, 3)
        let n0 = SIMD4<UInt32>(repeating: n[0]), n1 = SIMD4<UInt32>(repeating: n[1]), n2 = SIMD4<UInt32>(repeating: n[2])
        var x0 = c0, x1 = c1, x2 = c2, x3 = c3
        var x4 = k0, x5 = k1, x6 = k2, x7 = k3, x8 = k4, x9 = k5, x10 = k6, x11 = k7
        var x12 = ctr, x13 = n0, x14 = n1, x15 = n2
        // Rotations by constant amounts. Written with &+ (the two shifted parts share no bits, so
        // this equals |): LLVM recognises (x << r) | (x >> (32 - r)) as a rotate and, on SSE2, which
        // has no vector rotate, scalarises it lane by lane (4x slower); with &+ it emits pslld/psrld/paddd.
        @inline(__always) func rotl16(_ v: SIMD4<UInt32>) -> SIMD4<UInt32> { (v &<< 16) &+ (v &>> 16) }
        @inline(__always) func rotl12(_ v: SIMD4<UInt32>) -> SIMD4<UInt32> { (v &<< 12) &+ (v &>> 20) }
        @inline(__always) func rotl8(_ v: SIMD4<UInt32>) -> SIMD4<UInt32> { (v &<< 8) &+ (v &>> 24) }
        @inline(__always) func rotl7(_ v: SIMD4<UInt32>) -> SIMD4<UInt32> { (v &<< 7) &+ (v &>> 25) }
        @inline(__always) func qr(_ a: inout SIMD4<UInt32>, _ b: inout SIMD4<UInt32>,
                                  _ c: inout SIMD4<UInt32>, _ d: inout SIMD4<UInt32>) {
            a &+= b; d ^= a; d = rotl16(d)
            c &+= d; b ^= c; b = rotl12(b)
            a &+= b; d ^= a; d = rotl8(d)
            c &+= d; b ^= c; b = rotl7(b)
        }
        for _ in 0..<10 {
            qr(&x0, &x4, &x8, &x12); qr(&x1, &x5, &x9, &x13); qr(&x2, &x6, &x10, &x14); qr(&x3, &x7, &x11, &x15)
            qr(&x0, &x5, &x10, &x15); qr(&x1, &x6, &x11, &x12); qr(&x2, &x7, &x8, &x13); qr(&x3, &x4, &x9, &x14)
        }
        x0 &+= c0; x1 &+= c1; x2 &+= c2; x3 &+= c3
        x4 &+= k0; x5 &+= k1; x6 &+= k2; x7 &+= k3; x8 &+= k4; x9 &+= k5; x10 &+= k6; x11 &+= k7
        x12 &+= ctr; x13 &+= n0; x14 &+= n1; x15 &+= n2
        for lane in 0..<4 {
            let o = out + 16 * lane
            o[0] = x0[lane]; o[1] = x1[lane]; o[2] = x2[lane]; o[3] = x3[lane]
            o[4] = x4[lane]; o[5] = x5[lane]; o[6] = x6[lane]; o[7] = x7[lane]
            o[8] = x8[lane]; o[9] = x9[lane]; o[10] = x10[lane]; o[11] = x11[lane]
            o[12] = x12[lane]; o[13] = x13[lane]; o[14] = x14[lane]; o[15] = x15[lane]
        }
    }
}

extension UInt32 {
    @inlinable @inline(__always) func rotl(_ r: UInt32) -> UInt32 { (self << r) | (self >> (32 - r)) }
}
