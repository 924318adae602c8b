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
