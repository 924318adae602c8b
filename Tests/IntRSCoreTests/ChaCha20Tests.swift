import Testing
import IntRSCore

@Suite struct ChaCha20Tests {
    @Test("RFC 8439 §2.3.2 and Appendix A.1 known answers", arguments: ChaCha20KnownAnswers.cases.indices)
    func knownAnswer(_ i: Int) {
        let c = ChaCha20KnownAnswers.cases[i]
        let out = ChaCha20.serializedBlock(key: ChaCha20KnownAnswers.bytes(c.keyHex), counter: c.counter,
                                           nonce: ChaCha20KnownAnswers.bytes(c.nonceHex))
        #expect(out == ChaCha20KnownAnswers.bytes(c.serializedBlockHex), "\(c.source)")
    }

    @Test("RFC 8439 §2.3.2 output state words")
    func stateWords() {
        let key = ChaCha20.littleEndianWords(ChaCha20KnownAnswers.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"))
        let w = ChaCha20.block(key: key, counter: 1, nonce: [0x0900_0000, 0x4a00_0000, 0])
        #expect(w.first == 0xe4e7_f110 && w.last == 0x4e3c_50a2)
    }

    @Test("SIMD four-block function equals four scalar blocks")
    func simdEqualsScalar() {
        let seed = try! Seed(hex: "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0")
        let keyW = ChaCha20.littleEndianWords(seed.bytes)
        for counter: UInt32 in [0, 7, 0xffff_fffc] {
            var buf = [UInt32](repeating: 0, count: 64)
            buf.withUnsafeMutableBufferPointer { ChaCha20.blocks4(key: seed.keyWords, counter: counter, nonce: SIMD3(5, 1, 9), into: $0.baseAddress!) }
            for b in 0..<4 {
                #expect(Array(buf[16 * b ..< 16 * b + 16]) == ChaCha20.block(key: keyW, counter: counter &+ UInt32(b), nonce: [5, 1, 9]))
            }
        }
    }

    @Test("stream words are blocks 0, 1, 2, ... in order; nonce = (example, phase, index)")
    func streamLayout() {
        let seed = try! Seed(hex: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        var s = ChaChaStream(seed: seed, id: StreamID(example: 0x0900_0000, phase: 0x4a00_0000, index: 0))
        var words: [UInt32] = []
        for _ in 0..<(16 * 6) { words.append(s.nextWord()) }
        #expect(s.wordsConsumed == 96)
        let keyW = ChaCha20.littleEndianWords(seed.bytes)
        for b in 0..<6 {
            #expect(Array(words[16 * b ..< 16 * b + 16]) == ChaCha20.block(key: keyW, counter: UInt32(b), nonce: [0x0900_0000, 0x4a00_0000, 0]))
        }
        // Block 1 of this stream is the RFC 8439 §2.3.2 block.
        #expect(words[16] == 0xe4e7_f110 && words[31] == 0x4e3c_50a2)
    }

    @Test("seed parsing accepts 64 hex digits (optional 0x) and rejects everything else")
    func seedParsing() throws {
        let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        #expect(try Seed(hex: hex).bytes == Array(0..<32))
        #expect(try Seed(hex: "0x" + hex.uppercased()).hex == hex)
        #expect(throws: SeedError.empty("")) { try Seed(hex: "") }
        #expect(throws: SeedError.empty("0x")) { try Seed(hex: "0x") }
        #expect(throws: SeedError.oddLength("abc", digits: 3)) { try Seed(hex: "abc") }
        #expect(throws: SeedError.wrongLength("abcd", digits: 4)) { try Seed(hex: "abcd") }
        #expect(throws: SeedError.wrongLength(hex + "00", digits: 66)) { try Seed(hex: hex + "00") }
        #expect(throws: SeedError.nonHex("zz", position: 0, character: "z")) { try Seed(hex: "zz") }
        #expect(throws: (any Error).self) { try Seed(hex: " " + hex) }
        let msg = SeedError.wrongLength("abcd", digits: 4).description
        #expect(msg.contains("64") && msg.contains("abcd"))
    }
}
