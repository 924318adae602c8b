import CIntRSKernels
import IntRSCore

/// The CDT table sampler (Vectors/stream-spec.md §7) on 32-bit words. Equals
/// `ReferenceTableSampler.sample` (IntRSReference): same samples, same words consumed (tested on
/// vectors and random tables/seeds).
///
/// Layout: `hi[i]` = the top 32 bits of T_i (`hi[m-1]` = 0xffffffff stands for the implied 2^b and
/// is special-cased); `words` = all b/32 words of T_0 ... T_{m-2}, most significant first;
/// `guide[j]` = the smallest i with T_i > j 2^(b-g) for the top g bits j of the first word.
/// Fast path (one word): start at `guide[w >> (32-g)]`, skip while hi[i] < w; if hi[i] > w, i is
/// the answer (no threshold lies strictly inside [lo, lo + 2^(b-32))). Otherwise (hi[i] == w, rare)
/// the tie is resolved word by word exactly as the specification says.
/// Memory: `NoiseTable.runtimeMemoryBytes` (<= 64 KiB, checked). Not constant time: the number of
/// words and the scan length depend on the sample (fine for certification; see Proofs).
public struct FastTableSampler: Sendable {
    public let minValue: Int32
    public let count: Int
    public let wordsPerThreshold: Int
    @usableFromInline let hi: [UInt32]
    @usableFromInline let words: [UInt32]
    @usableFromInline let guide: [UInt32]
    @usableFromInline let guideShift: UInt32

    public init(table: NoiseTable) throws(NoiseError) {
        let w = try table.validatedWords()
        guard table.minValue >= Int(Int32.min), table.maxValue <= Int(Int32.max) else {
            throw .invalidTable("field minValue \(table.minValue): the support must fit Int32")
        }
        minValue = Int32(table.minValue)
        count = table.count
        wordsPerThreshold = table.wordsPerThreshold
        words = w
        hi = (0..<(count - 1)).map { w[$0 * table.wordsPerThreshold] } + [UInt32.max]
        let g = NoiseTable.guideSize(count: count)
        let gBits = g.trailingZeroBitCount
        guideShift = UInt32(32 - gBits)
        // guide[j] = smallest i with T_i > j * 2^(b - gBits), i.e. with the threshold's first word
        // > j << (32 - gBits), or equal to it and some lower bit set (the last index always qualifies).
        var gd = [UInt32](repeating: 0, count: g)
        var i = 0
        let per = table.wordsPerThreshold
        for j in 0..<g {
            let bound = UInt32(j) << (32 - UInt32(gBits))
            while i < count - 1 {
                let top = w[i * per]
                if top > bound || (top == bound && (1..<per).contains { w[i * per + $0] != 0 }) { break }
                i += 1
            }
            gd[j] = UInt32(i)
        }
        guide = gd
    }

    /// One sample. Equals `ReferenceTableSampler.sample`.
    @inlinable
    public func sample(_ s: inout ChaChaStream) -> Int32 {
        let w = s.nextWord()
        return hi.withUnsafeBufferPointer { h in
            var i = Int(guide[Int(w >> guideShift)])
            while h[i] < w { i &+= 1 }
            if h[i] > w { return minValue &+ Int32(truncatingIfNeeded: i) }
            return minValue &+ Int32(truncatingIfNeeded: resolveTie(first: w, from: i, &s))
        }
    }

    /// The rare path: hi[i] == w. Word-by-word decision of stream-spec §7.
    @usableFromInline
    func resolveTie(first w: UInt32, from start: Int, _ s: inout ChaChaStream) -> Int {
        var drawn: [UInt32] = [w]
        var i = start
        let per = wordsPerThreshold
        // cmp: first drawn.count words of T_i against drawn; lowerZero: T_i's remaining words all 0.
        func cmp(_ i: Int) -> Int {
            if i == count - 1 { return 1 }
            for (k, d) in drawn.enumerated() {
                let t = words[i * per + k]
                if t != d { return t < d ? -1 : 1 }
            }
            return 0
        }
        func lowerZero(_ i: Int) -> Bool {
            (drawn.count..<per).allSatisfy { words[i * per + $0] == 0 }
        }
        while true {
            // Advance i to the smallest index with T_i > lo (lo = drawn words followed by zeros).
            while true {
                let c = cmp(i)
                if c > 0 || (c == 0 && !lowerZero(i)) { break }
                i += 1
            }
            // T_i strictly inside (lo, lo + W) iff its first words equal the drawn ones.
            if cmp(i) != 0 { return i }
            drawn.append(s.nextWord())
        }
    }
}

/// Batch sampling from ChaCha20 words computed by `FastChaCha20` (8 or 16 blocks per vector pass).
///
/// Equals ``FastTableSampler/sample(_:)`` coordinate by coordinate on the same streams: when no coordinate of a
/// stream ties (its word equals the top 32 bits of a threshold, probability < 2^-20 per coordinate at b = 64),
/// coordinate i consumes exactly word i of the stream, which is what the prefix holds; a stream with any tie is
/// drawn again from the start with `ChaChaStream` and ``FastTableSampler/sample(_:)`` (tested, with tables
/// built to tie often, on every kernel path).
extension FastTableSampler {
    /// Samples `count` coordinates from `words`, one word each (the loop of ``sample(_:)`` without its tie path,
    /// in C: `intrs_table_sample_words`); returns false (leaving `out` partly written) as soon as a word ties
    /// with a threshold's top word.
    func sampleWords(_ words: UnsafePointer<UInt32>, count: Int, into out: UnsafeMutablePointer<Int32>) -> Bool {
        hi.withUnsafeBufferPointer { h in
            guide.withUnsafeBufferPointer { g in
                intrs_table_sample_words(words, count, h.baseAddress, h.count, g.baseAddress, guideShift, minValue, out) == count
            }
        }
    }

    /// The first `count` samples of the stream (seed, id) (`key` = `seed.keyWords`) into `out[0 ..< count]`,
    /// from words computed on `path`. Equals `count` calls of ``sample(_:)`` on `ChaChaStream(seed:id:)`.
    /// One C call (`intrs_table_fill`): on the AVX2 and AVX-512 paths the ChaCha20 rounds of one 8- or 16-block
    /// batch run interleaved with the lookups of the previous batch's words; the portable path computes a block
    /// at a time into a stack buffer. Traps if count > 2^36 (more than the stream has).
    public func fill(seed: Seed, key: SIMD8<UInt32>, id: StreamID, count: Int, path: Int8KernelPath = .selected,
                     into out: UnsafeMutablePointer<Int32>) {
        precondition(count >= 0 && count <= 1 << 36 && path.isSupported,
                     "FastTableSampler.fill: count must be in 0 ... 2^36 and the path supported")
        var k = key
        var n = SIMD4<UInt32>(id.nonceWords[0], id.nonceWords[1], id.nonceWords[2], 0)
        let done = withUnsafeBytes(of: &k) { kp in
            withUnsafeBytes(of: &n) { np in
                hi.withUnsafeBufferPointer { h in
                    guide.withUnsafeBufferPointer { g in
                        intrs_table_fill(path.c, kp.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                         np.baseAddress!.assumingMemoryBound(to: UInt32.self), 0, count, h.baseAddress, h.count,
                                         g.baseAddress, guideShift, minValue, out)
                    }
                }
            }
        }
        if done != count {
            var s = ChaChaStream(seed: seed, id: id)
            for i in 0..<count { out[i] = sample(&s) }
        }
    }

    /// The two-pass form that ``fill(seed:key:id:count:path:into:)`` replaced (all `count` words of the stream into a
    /// heap buffer by `FastChaCha20.words`, then the C loop `intrs_table_sample_words` over them). Same samples;
    /// kept for `intrs bench samplers`, whose "two-pass" rows measure it beside the fused form in one run.
    public func fillTwoPass(seed: Seed, key: SIMD8<UInt32>, id: StreamID, count: Int, path: Int8KernelPath = .selected,
                            into out: UnsafeMutablePointer<Int32>) {
        precondition(count >= 0 && count <= 1 << 36, "FastTableSampler.fillTwoPass: count must be in 0 ... 2^36")
        let words = UnsafeMutablePointer<UInt32>.allocate(capacity: max(count, 1))
        defer { words.deallocate() }
        FastChaCha20.words(key: key, nonce: id.nonceWords, fromBlock: 0, count: count, path: path, into: words)
        if !sampleWords(words, count: count, into: out) {
            var s = ChaChaStream(seed: seed, id: id)
            for i in 0..<count { out[i] = sample(&s) }
        }
    }

    public func fillStreams(seed: Seed, key: SIMD8<UInt32>, example: UInt32, phase: UInt32, firstIndex: UInt32, count: Int,
                            path: Int8KernelPath, into out: UnsafeMutableBufferPointer<Int32>) {
        let d = out.count / count
        guard d > 0, let o = out.baseAddress else { return }
        let words = UnsafeMutablePointer<UInt32>.allocate(capacity: count * d)
        let nonces = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 3 * count)
        defer { words.deallocate(); nonces.deallocate() }
        for j in 0..<count {
            nonces[3 * j] = example
            nonces[3 * j + 1] = phase
            nonces[3 * j + 2] = firstIndex &+ UInt32(truncatingIfNeeded: j)
        }
        FastChaCha20.prefixes(key: key, nonces: UnsafeBufferPointer(nonces), words: d, path: path, into: words)
        for j in 0..<count where !sampleWords(words + j * d, count: d, into: o + j * d) {
            var s = ChaChaStream(seed: seed, id: StreamID(example: example, phase: phase, index: nonces[3 * j + 2]))
            for i in 0..<d { o[j * d + i] = sample(&s) }
        }
    }
}
