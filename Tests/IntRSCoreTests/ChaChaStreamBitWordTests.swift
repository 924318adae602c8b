import Testing
import IntRSCore

/// The bit-word of stream-spec version 2 (§1.1): bits least significant first from a word loaded when none
/// is left; words and bits interleave as the stream hands words out in order; bit-words count as words.
@Suite struct ChaChaStreamBitWordTests {
    static let seed = try! Seed(hex: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")

    @Test("stream-spec §1.1 example: bit, word, bit, word; then 31 more bits and a reload")
    func interleaving() {
        let id = StreamID(example: 3, phase: 1, index: 7)
        var plain = ChaChaStream(seed: Self.seed, id: id)
        let w = (0..<40).map { _ in plain.nextWord() }
        var s = ChaChaStream(seed: Self.seed, id: id)
        #expect(s.wordsConsumed == 0)
        #expect(s.nextBit() == w[0] & 1)                  // loads word 0 as the bit-word
        #expect(s.wordsConsumed == 1)
        #expect(s.nextWord() == w[1])                     // words skip the bit-word
        #expect(s.nextBit() == (w[0] >> 1) & 1)
        #expect(s.nextWord() == w[2])
        #expect(s.wordsConsumed == 3)
        for j in 2..<32 { #expect(s.nextBit() == (w[0] >> UInt32(j)) & 1, "bit \(j) of the first bit-word") }
        #expect(s.wordsConsumed == 3)                     // all 32 bits used, nothing new loaded yet
        #expect(s.nextBit() == w[3] & 1)                  // reload: the next word of the stream
        #expect(s.wordsConsumed == 4)
        #expect(s.nextWord() == w[4])
    }

    @Test("64 bits in a row are words 0 and 1, least significant bit first, across a block boundary")
    func bitsAcrossBlocks() {
        let id = StreamID(example: 0, phase: 0, index: 0)
        var plain = ChaChaStream(seed: Self.seed, id: id)
        let w = (0..<20).map { _ in plain.nextWord() }
        var s = ChaChaStream(seed: Self.seed, id: id)
        for _ in 0..<15 { _ = s.nextWord() }
        var got: UInt64 = 0
        for j in 0..<64 { got |= UInt64(s.nextBit()) << UInt64(j) }
        #expect(got == UInt64(w[15]) | UInt64(w[16]) << 32)
        #expect(s.wordsConsumed == 17)
        #expect(s.nextWord() == w[17])
    }
}
