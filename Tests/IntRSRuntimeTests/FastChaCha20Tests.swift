import Testing
import CIntRSKernels
import IntRSCore
import IntRSExact
import IntRSReference
@testable import IntRSRuntime

/// The ChaCha20 kernels of CIntRSKernels (`FastChaCha20`) on every kernel path this CPU runs, against
/// RFC 8439 (§2.3.2 and Appendix A.1, `ChaCha20KnownAnswers`) and against the Swift definition
/// (`ChaCha20.block`, `ChaChaStream`), and the table sampler's batch forms against `sample(&ChaChaStream)`.
@Suite struct FastChaCha20Tests {
    /// A deterministic generator for the random cases (a ChaCha20 stream of a fixed test seed).
    struct Rng {
        var s = ChaChaStream(seed: Seed(bytes: Array(repeating: 0xa5, count: 32)), id: StreamID(example: 7, phase: 7, index: 7))
        mutating func next() -> UInt32 { s.nextWord() }
        mutating func below(_ n: Int) -> Int { Int(s.uniform(UInt64(n))) }
        mutating func key() -> SIMD8<UInt32> { SIMD8((0..<8).map { _ in next() }) }
    }

    static var paths: [Int8KernelPath] { Int8KernelPath.supported }

    @Test("RFC 8439 §2.3.2 and Appendix A.1 blocks on every path (words and prefixes forms)",
          arguments: Int8KernelPath.supported)
    func knownAnswers(_ path: Int8KernelPath) {
        for c in ChaCha20KnownAnswers.cases {
            let key = ChaCha20.littleEndianWords(ChaCha20KnownAnswers.bytes(c.keyHex))
            let nonce = ChaCha20.littleEndianWords(ChaCha20KnownAnswers.bytes(c.nonceHex))
            let expected = ChaCha20.littleEndianWords(ChaCha20KnownAnswers.bytes(c.serializedBlockHex))
            var out = [UInt32](repeating: 0, count: 16)
            out.withUnsafeMutableBufferPointer {
                FastChaCha20.words(key: SIMD8(key), nonce: SIMD3(nonce), fromBlock: c.counter, count: 16, path: path, into: $0.baseAddress!)
            }
            #expect(out == expected, "\(c.source), path \(path)")
            if c.counter == 0 {
                // The prefixes form starts at block 0: three copies of the stream side by side.
                var three = [UInt32](repeating: 0, count: 48)
                let nonces = nonce + nonce + nonce
                nonces.withUnsafeBufferPointer { n in
                    three.withUnsafeMutableBufferPointer {
                        FastChaCha20.prefixes(key: SIMD8(key), nonces: n, words: 16, path: path, into: $0.baseAddress!)
                    }
                }
                #expect(Array(three[32..<48]) == expected, "\(c.source), path \(path), prefixes")
            }
        }
    }

    /// Word i of the keystream from block `counter` by the Swift definition (counter wrapping mod 2^32).
    static func definition(key: SIMD8<UInt32>, nonce: SIMD3<UInt32>, counter: UInt32, count: Int) -> [UInt32] {
        let k = (0..<8).map { key[$0] }, n = [nonce[0], nonce[1], nonce[2]]
        var out: [UInt32] = []
        var b: UInt32 = 0
        while out.count < count {
            out += ChaCha20.block(key: k, counter: counter &+ b, nonce: n).prefix(count - out.count)
            b &+= 1
        }
        return out
    }

    @Test("random keys, nonces, counters (across the 2^32 wrap) and partial blocks: equals ChaCha20.block",
          arguments: Int8KernelPath.supported)
    func randomAgainstDefinition(_ path: Int8KernelPath) {
        var rng = Rng()
        for trial in 0..<120 {
            let key = rng.key(), nonce = SIMD3(rng.next(), rng.next(), rng.next())
            // A third of the counters sit just below 2^32 so that the blocks wrap to 0, 1, ...
            let counter: UInt32 = trial % 3 == 0 ? UInt32.max - UInt32(rng.below(20)) : rng.next()
            let count = trial < 40 ? rng.below(64) : rng.below(700)   // small counts end inside the first blocks
            var out = [UInt32](repeating: 0xdead_beef, count: count + 5)
            out.withUnsafeMutableBufferPointer {
                FastChaCha20.words(key: key, nonce: nonce, fromBlock: counter, count: count, path: path, into: $0.baseAddress!)
            }
            let want = Self.definition(key: key, nonce: nonce, counter: counter, count: count)
            #expect(Array(out.prefix(count)) == want, "path \(path) trial \(trial): counter \(counter), \(count) words")
            #expect(out.suffix(5).allSatisfy { $0 == 0xdead_beef }, "path \(path) trial \(trial): wrote past \(count) words")
        }
    }

    @Test("random streams: words from block 0 equal ChaChaStream; prefixes of many streams equal each stream",
          arguments: Int8KernelPath.supported)
    func randomAgainstStream(_ path: Int8KernelPath) {
        var rng = Rng()
        for trial in 0..<40 {
            let seed = Seed(bytes: (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            // Streams of 1 ... 40 (not multiples of 8 or 16: the last vector pass is partly idle), 1 ... 150 words.
            let streams = 1 + rng.below(40), words = 1 + rng.below(150)
            let ids = (0..<streams).map { _ in StreamID(example: rng.next(), phase: rng.next() % 3, index: rng.next()) }
            var nonces: [UInt32] = []
            for id in ids { nonces += [id.example, id.phase, id.index] }
            var out = [UInt32](repeating: 0, count: streams * words + 3)
            out[streams * words] = 0x5eed
            nonces.withUnsafeBufferPointer { n in
                out.withUnsafeMutableBufferPointer {
                    FastChaCha20.prefixes(key: seed.keyWords, nonces: n, words: words, path: path, into: $0.baseAddress!)
                }
            }
            #expect(out[streams * words] == 0x5eed, "path \(path) trial \(trial): wrote past the end")
            for (s, id) in ids.enumerated() {
                var st = ChaChaStream(seed: seed, id: id)
                let want = (0..<words).map { _ in st.nextWord() }
                #expect(Array(out[(s * words) ..< ((s + 1) * words)]) == want, "path \(path) trial \(trial) stream \(s) of \(streams), \(words) words")
            }
            // One stream, many words: equals ChaChaStream from word 0.
            let id = ids[0], count = rng.below(1200)
            var one = [UInt32](repeating: 0, count: count)
            one.withUnsafeMutableBufferPointer {
                FastChaCha20.words(key: seed.keyWords, nonce: id.nonceWords, fromBlock: 0, count: count, path: path, into: $0.baseAddress!)
            }
            var st = ChaChaStream(seed: seed, id: id)
            #expect(one == (0..<count).map { _ in st.nextWord() }, "path \(path) trial \(trial): \(count) words of one stream")
        }
    }

    /// A table whose thresholds' top words are words of stream (example 3, phase 2, index 0), so that that
    /// stream ties (FastTableSamplerAgreementTests builds the same kind).
    static func tyingTable(seed: Seed) -> NoiseTable {
        var peek = ChaChaStream(seed: seed, id: StreamID(example: 3, phase: 2, index: 0))
        var words = (0..<30).map { _ in peek.nextWord() }
        words.sort()
        let hex = words.enumerated().map { i, w -> String in
            let s = String(w, radix: 16)
            return String(repeating: "0", count: 8 - s.count) + s + (i % 2 == 0 ? "00000000" : "00000001")
        }
        return NoiseTable(family: .discreteGaussian, sigma2: "1", bits: 64, minValue: -15, thresholds: hex)
    }

    @Test("table sampler batch forms equal sample(&ChaChaStream), ties included", arguments: Int8KernelPath.supported)
    func tableBatch(_ path: Int8KernelPath) throws {
        let seed = Seed(bytes: Array(repeating: 0x42, count: 32))
        let real = try FastTableSampler(table: TableLaw(family: .discreteGaussian, sigma2: Rational(16), bits: 64).noiseTable)
        let tying = try FastTableSampler(table: Self.tyingTable(seed: seed))
        for (name, sampler) in [("sigma2 16", real), ("tying", tying)] {
            for (count, d) in [(1, 64), (37, 64), (20, 17), (3, 200)] {
                var out = [Int32](repeating: 0, count: count * d)
                out.withUnsafeMutableBufferPointer {
                    StreamNoiseSource(seed: seed, sampler: sampler, path: path).fill(example: 3, phase: 2, firstIndex: 0, count: count, into: $0)
                }
                for j in 0..<count {
                    var s = ChaChaStream(seed: seed, id: StreamID(example: 3, phase: 2, index: UInt32(j)))
                    let want = (0..<d).map { _ in sampler.sample(&s) }
                    #expect(Array(out[(j * d) ..< ((j + 1) * d)]) == want, "\(name), path \(path): stream \(j) of \(count), d = \(d)")
                }
            }
            for count in [0, 5, 16, 100, 1000] {
                let id = StreamID(example: 3, phase: 2, index: 0)
                var out = [Int32](repeating: 0, count: count)
                out.withUnsafeMutableBufferPointer { sampler.fill(seed: seed, key: seed.keyWords, id: id, count: count, path: path, into: $0.baseAddress!) }
                var s = ChaChaStream(seed: seed, id: id)
                #expect(out == (0..<count).map { _ in sampler.sample(&s) }, "\(name), path \(path): fill of \(count)")
            }
        }
        // The tying table does tie on stream 0 (else the fallback above went untested).
        var s = ChaChaStream(seed: seed, id: StreamID(example: 3, phase: 2, index: 0))
        for _ in 0..<64 { _ = tying.sample(&s) }
        #expect(s.wordsConsumed > 64, "the tying table should make stream 0 consume extra words")
    }

    /// A random sorted `hi` (m entries, the last UINT32_MAX) and a guide of 2^gBits entries (guide_shift 32 - gBits;
    /// gBits 0 is the one-entry guide, shift 32): guide[j] = the smallest i with hi[i] >= j 2^shift. `tieWords`
    /// become entries of hi, so that those words tie.
    static func table(_ rng: inout Rng, m: Int, gBits: Int, tieWords: [UInt32]) -> (hi: [UInt32], guide: [UInt32], shift: UInt32) {
        var hi = (0..<max(0, m - 1 - tieWords.count)).map { _ in rng.next() } + tieWords
        hi.sort()
        hi.append(UInt32.max)
        let shift = UInt32(32 - gBits)
        let guide = (0..<(1 << gBits)).map { j -> UInt32 in
            let bound = UInt64(j) << UInt64(shift)
            return UInt32(hi.firstIndex { UInt64($0) >= bound } ?? hi.count - 1)
        }
        return (hi, guide, shift)
    }

    /// `intrs_table_fill` (the sampler fused with the ChaCha20 core: on AVX2 the rounds of batch b interleaved with
    /// the lookups of batch b - 1) against its definition, `intrs_chacha20_stream` + `intrs_table_sample_words`
    /// (both tested against the specification above and in FastTableSamplerAgreementTests): same return value (the
    /// first tie, or count) and same samples before it. Counts around the 128-word batches and 256-word AVX-512 calls,
    /// counters across the 2^32 wrap, one-entry guides, and ties placed in the first, a middle and the last batch,
    /// on its last word, and just past the request inside the last batch (which must not count).
    @Test("intrs_table_fill equals stream words + intrs_table_sample_words, ties at chosen positions", arguments: Int8KernelPath.supported)
    func tableFillFused(_ path: Int8KernelPath) {
        var rng = Rng()
        let counts = [0, 1, 15, 16, 127, 128, 129, 255, 256, 257, 383, 1000, 1024, 1029]
        var tiedInside = 0, tiedOnlyPast = 0
        for trial in 0 ..< 60 {
            let key = rng.key()
            let nonce = [rng.next(), rng.next(), rng.next()]
            let counter: UInt32 = trial % 3 == 0 ? UInt32.max - UInt32(rng.below(20)) : UInt32(rng.below(1 << 20))
            let count = trial < counts.count * 2 ? counts[trial % counts.count] : rng.below(1500)
            // The stream's words, 300 past the request (ties there must not count).
            var words = [UInt32](repeating: 0, count: count + 300)
            words.withUnsafeMutableBufferPointer {
                FastChaCha20.words(key: key, nonce: SIMD3(nonce), fromBlock: counter, count: count + 300, path: .portable, into: $0.baseAddress!)
            }
            let tieAt: [Int]
            switch trial % 5 {
            case 0: tieAt = []
            case 1: tieAt = [count + 1, count + 7].filter { ($0 / 128) == (count / 128) }  // past the request, same batch
            case 2: tieAt = [count - 1]
            case 3: tieAt = [200, 130, 129, 128, 127]
            default: tieAt = [rng.below(max(count, 1)), rng.below(count + 300)]
            }
            let ties = tieAt.filter { $0 >= 0 && $0 < count + 300 }.map { words[$0] }
            let m = [1, 2, 48, 1147, 4000][trial % 5]
            let gBits = m == 1 ? 0 : [0, 1, 7, 11, 12][(trial / 5) % 5]
            let t = Self.table(&rng, m: max(m, ties.count + 1), gBits: gBits, tieWords: ties)
            let minValue = Int32(rng.below(2000)) - 1000
            var want = [Int32](repeating: 0, count: max(count, 1)), got = [Int32](repeating: 0, count: max(count, 1))
            let r0 = intrs_table_sample_words(words, count, t.hi, t.hi.count, t.guide, t.shift, minValue, &want)
            if r0 < count { tiedInside += 1 } else if tieAt.contains(where: { $0 >= count }) { tiedOnlyPast += 1 }
            var k = key
            let r1 = withUnsafeBytes(of: &k) { kp in
                intrs_table_fill(path.c, kp.baseAddress!.assumingMemoryBound(to: UInt32.self), nonce, counter, count, t.hi, t.hi.count,
                                 t.guide, t.shift, minValue, &got)
            }
            #expect(r1 == r0, "path \(path) trial \(trial): count \(count), ties at \(tieAt), m \(m): returned \(r1), want \(r0)")
            #expect(Array(got[0 ..< min(r0, r1)]) == Array(want[0 ..< min(r0, r1)]), "path \(path) trial \(trial): samples before \(r0)")
        }
        #expect(tiedInside >= 15 && tiedOnlyPast >= 5, "the cases should tie inside the request and past it: \(tiedInside), \(tiedOnlyPast)")
    }
}
