import Testing
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

/// Bit-for-bit agreement of FastTableSampler with ReferenceTableSampler (stream-spec §7):
/// identical samples and identical word counts, on real tables and on tables built to force ties.
@Suite struct FastTableSamplerAgreementTests {
    static func seed(_ i: Int) -> Seed {
        var b = [UInt8](repeating: 0x3c, count: 32)
        b[0] = UInt8(truncatingIfNeeded: i); b[1] = UInt8(truncatingIfNeeded: i >> 8)
        return Seed(bytes: b)
    }

    func agree(_ table: NoiseTable, seed: Seed, streams: Int, samples: Int, label: String) throws {
        let fast = try FastTableSampler(table: table)
        let ref = try ReferenceTableSampler(table: table)
        for index in 0..<UInt32(streams) {
            let id = StreamID(example: 3, phase: 2, index: index)
            var sf = ChaChaStream(seed: seed, id: id), sr = sf
            for k in 0..<samples {
                let f = fast.sample(&sf), r = ref.sample(&sr)
                #expect(Int(f) == r, "\(label) seed \(seed.hex) stream \(id) sample \(k): fast \(f) reference \(r)")
                #expect(sf.wordsConsumed == sr.wordsConsumed, "\(label) stream \(id) sample \(k): words \(sf.wordsConsumed) vs \(sr.wordsConsumed)")
            }
        }
    }

    @Test("real discrete-Gaussian tables: fast == reference", arguments: [("1/100", 32), ("1", 64), ("4", 64), ("100", 128), ("9/4", 32)])
    func realTables(_ c: (String, Int)) throws {
        let law = try TableLaw(family: .discreteGaussian, sigma2: Rational(c.0)!, bits: c.1)
        try agree(law.noiseTable, seed: Self.seed(c.1), streams: 4, samples: 200, label: "sigma2 \(c.0) b \(c.1)")
    }

    /// Thresholds whose top words are exactly the words the stream will produce, so that most draws
    /// hit the tie path; lower words random, some zero (T_i == lo cases), duplicates allowed.
    @Test("real rounded-Gaussian tables: fast == reference", arguments: [("1/4", 32), ("4", 64), ("100", 96)])
    func roundedTables(_ c: (String, Int)) throws {
        let law = try TableLaw(family: .roundedGaussian, sigma2: Rational(c.0)!, bits: c.1)
        try agree(law.noiseTable, seed: Self.seed(c.1 + 7), streams: 3, samples: 200, label: "rounded sigma2 \(c.0) b \(c.1)")
    }

    @Test("tables built to force ties on every path: fast == reference", arguments: [32, 64, 96, 128])
    func forcedTies(_ bits: Int) throws {
        let per = bits / 32
        for trial in 0..<6 {
            let seed = Self.seed(100 + trial)
            let id = StreamID(example: 3, phase: 2, index: 0)
            var peek = ChaChaStream(seed: seed, id: id)
            var rng = ChaChaStream(seed: seed, id: StreamID(example: 99, phase: 99, index: UInt32(trial)))
            var thresholds: [[UInt32]] = []
            for _ in 0..<40 {
                let top = peek.nextWord()
                var t = [top]
                for j in 1..<max(per, 1) {
                    let r = rng.nextWord()
                    // Lower words: sometimes zero, sometimes the next stream word (deeper ties).
                    t.append(r % 3 == 0 ? 0 : (r % 3 == 1 ? peek.nextWord() : r))
                    _ = j
                }
                thresholds.append(t)
                if rng.nextWord() % 4 == 0 { thresholds.append(t) }   // duplicate: zero-mass value
            }
            thresholds.sort { $0.lexicographicallyPrecedes($1) }
            let hex = thresholds.map { $0.map { w -> String in let s = String(w, radix: 16); return String(repeating: "0", count: 8 - s.count) + s }.joined() }
            let table = NoiseTable(family: .discreteGaussian, sigma2: "1", bits: bits, minValue: -20, thresholds: hex)
            try agree(table, seed: seed, streams: 1, samples: 60, label: "forced ties b \(bits) trial \(trial)")
        }
    }

    @Test("invalid tables are refused with the field named")
    func invalid() throws {
        var t = NoiseTable(family: .discreteGaussian, sigma2: "1", bits: 32, minValue: -1, thresholds: ["00000010", "0000000f"])
        #expect(throws: NoiseError.self) { try FastTableSampler(table: t) }
        t.thresholds = ["0000001"]
        do { _ = try FastTableSampler(table: t); Issue.record("accepted") } catch { #expect(error.description.contains("thresholds[0]")) }
        t.thresholds = Array(repeating: "00000000", count: 20000)
        do { _ = try FastTableSampler(table: t); Issue.record("accepted") } catch { #expect(error.description.contains("limit")) }
    }
}
