/// The random stream of one (seed, stream id): the ChaCha20 keystream read as 32-bit words.
///
/// Definition (Vectors/stream-spec.md §1): key = the seed's 32 bytes; nonce = the stream id
/// (``StreamID``); the block counter starts at 0 and increases by one per block; the words are the
/// 16 output words of block 0 in order, then those of block 1, and so on. Word i of the stream is
/// output word (i mod 16) of block floor(i / 16). A word, once returned, is never returned again.
///
/// Length: 2^32 blocks = 2^36 words. Asking for more traps ("stream exhausted"); no sampler comes
/// anywhere near it (a sample needs a few dozen words on average), and the fast samplers' no-overflow
/// proofs use this bound (Proofs/noise.md, NOISE-4).
///
/// Bit-word (stream specification version 2, Vectors/stream-spec.md §1.1): ``nextBit()`` returns the
/// bits of a *bit-word* least significant first; when none is loaded or all 32 are used it takes the
/// next word of the stream (``nextWord()``) as the new bit-word. Bit-words are ordinary stream words
/// (counted in ``wordsConsumed``); ``nextWord()`` never reads or changes the bit-word.
///
/// Implementation: blocks are computed four at a time with SIMD (``ChaCha20/blocks4``) into an inline
/// buffer; this changes nothing in the words returned.
public struct ChaChaStream: Sendable {
    public let seed: Seed
    public let id: StreamID
    @usableFromInline let key: SIMD8<UInt32>
    @usableFromInline let nonce: SIMD3<UInt32>
    @usableFromInline var buffer: InlineArray<64, UInt32>
    /// Position of the next word in `buffer` (64 = empty).
    @usableFromInline var position: Int
    /// The block counter of the first block the next refill computes.
    @usableFromInline var nextBlock: UInt64
    /// The unused bits of the current bit-word, least significant first, below a sentinel 1 bit:
    /// 1 means no unused bit (none loaded, or all 32 used).
    @usableFromInline var bitBuffer: UInt64
    /// Number of words returned so far by ``nextWord()`` (bit-words included).
    @inlinable public var wordsConsumed: UInt64 {
        nextBlock == 0 ? 0 : (nextBlock - 4) * 16 + UInt64(position)
    }

    /// The stream of `seed` and `id`, positioned at word 0.
    public init(seed: Seed, id: StreamID) {
        self.seed = seed
        self.id = id
        key = seed.keyWords
        nonce = id.nonceWords
        buffer = InlineArray(repeating: 0)
        position = 64
        nextBlock = 0
        bitBuffer = 1
    }

    /// The next 32-bit word of the stream.
    @inlinable
    public mutating func nextWord() -> UInt32 {
        if position == 64 { refill() }
        let w = buffer[position]
        position &+= 1
        return w
    }

    /// The next bit of the bit-word (0 or 1), least significant first; loads the next word of the stream
    /// as the bit-word when no unused bit is left (stream-spec §1.1). Used only by Bernoulli(1/2).
    @inlinable
    public mutating func nextBit() -> UInt32 {
        if bitBuffer == 1 { bitBuffer = UInt64(nextWord()) | 1 << 32 }
        let b = UInt32(truncatingIfNeeded: bitBuffer & 1)
        bitBuffer &>>= 1
        return b
    }

    @usableFromInline
    mutating func refill() {
        // nextBlock is a multiple of 4, so the last refill computes blocks 2^32-4 ..< 2^32: the
        // counter never wraps inside a buffer.
        precondition(nextBlock < 1 << 32, "ChaChaStream \(id): stream exhausted (2^32 blocks)")
        let k = key, n = nonce, c = UInt32(truncatingIfNeeded: nextBlock)
        withUnsafeMutablePointer(to: &buffer) { p in
            p.withMemoryRebound(to: UInt32.self, capacity: 64) { ChaCha20.blocks4(key: k, counter: c, nonce: n, into: $0) }
        }
        position = 0
        nextBlock += 4
    }
}
