import Foundation
import IntRSCore

/// `chacha20` vectors: the RFC 8439 block-function known answers (§2.3.2, Appendix A.1) and the
/// first words of IntRS streams (seed, stream id) -> words (Vectors/stream-spec.md §1).
public enum ChaCha20Suite: VectorSuite {
    public static let name = "chacha20"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var comment: String
        /// Block cases: key, nonce (hex bytes), counter and the serialized 64-byte block.
        public var key: String?
        public var nonce: String?
        public var counter: UInt32?
        public var serializedBlock: String?
        /// Stream cases: seed (64 hex), stream id and the first words of the stream.
        public var seed: String?
        public var stream: StreamID?
        public var words: [UInt32]?
    }

    typealias File = VectorFile<NoParameters, Case>

    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    public static func generate() throws -> Data {
        var blocks: [Case] = []
        for (i, k) in ChaCha20KnownAnswers.cases.enumerated() {
            // The scalar block function (the definition) must reproduce the RFC before we write it.
            let out = ChaCha20.serializedBlock(key: ChaCha20KnownAnswers.bytes(k.keyHex), counter: k.counter,
                                               nonce: ChaCha20KnownAnswers.bytes(k.nonceHex))
            guard hex(out) == k.serializedBlockHex else { throw VectorError.mismatch(file: fileName, caseID: i + 1, detail: "\(k.source) not reproduced") }
            blocks.append(Case(id: i + 1, result: .valid, comment: k.source, key: k.keyHex, nonce: k.nonceHex,
                               counter: k.counter, serializedBlock: k.serializedBlockHex))
        }
        var streams: [Case] = []
        let seeds = ["000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                     "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff"]
        let ids = [StreamID(example: 0, phase: 0, index: 0), StreamID(example: 7, phase: 1, index: 99_999),
                   StreamID(example: 0xffff_ffff, phase: 2, index: 0xffff_ffff)]
        var id = 100
        for s in seeds { for sid in ids {
            let seed = try Seed(hex: s)
            // Definition: words of blocks 0, 1, ... from the scalar block function.
            var words: [UInt32] = []
            for b in 0..<3 { words += ChaCha20.block(key: ChaCha20.littleEndianWords(seed.bytes), counter: UInt32(b), nonce: [sid.example, sid.phase, sid.index]) }
            streams.append(Case(id: id, result: .valid, comment: "first 48 words of the stream", seed: s, stream: sid, words: words))
            id += 1
        } }
        let f = File(suite: name, version: version,
                     description: "ChaCha20 block function known answers (RFC 8439) and the first words of IntRS noise streams (Vectors/stream-spec.md section 1: key = seed, nonce words = example, phase, index, counter from 0, 16 little-endian words per block).",
                     seed: nil,
                     sources: ["RFC 8439, ChaCha20 and Poly1305 for IETF Protocols (Y. Nir, A. Langley, June 2018), section 2.3.2 (Test Vector for the ChaCha20 Block Function)",
                               "RFC 8439, Appendix A.1 (ChaCha20 Block Functions), test vectors #1 to #5"],
                     groups: [VectorGroup(description: "RFC 8439 block function known answers: serialized block for (key, counter, nonce)", parameters: NoParameters(), cases: blocks),
                              VectorGroup(description: "IntRS streams: (seed, stream id) -> first words", parameters: NoParameters(), cases: streams)])
        return try CanonicalJSON.encode(f)
    }

    /// The bytes of `hex` when it is exactly `count` bytes of hex digits (either case), else nil.
    static func checkedBytes(_ hex: String, count: Int) -> [UInt8]? {
        let digits = hex.compactMap { $0.isASCII ? $0.hexDigitValue : nil }
        guard digits.count == 2 * count, hex.utf8.count == 2 * count else { return nil }
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(digits[$0] << 4 | digits[$0 + 1]) }
    }

    public static func conform(_ data: Data) throws -> [String] {
        let f = try File.decode(data, file: fileName)
        var problems: [String] = []
        for (_, c) in f.allCases {
            if let key = c.key, let nonce = c.nonce, let counter = c.counter, let block = c.serializedBlock {
                // The file is outside input: a key or nonce that is not 32 / 12 bytes of hex is a problem, not a trap.
                guard let kb = checkedBytes(key, count: 32) else {
                    problems.append("case \(c.id): field key is \"\(key.prefix(80))\", expected 64 hex digits"); continue
                }
                guard let nb = checkedBytes(nonce, count: 12) else {
                    problems.append("case \(c.id): field nonce is \"\(nonce.prefix(80))\", expected 24 hex digits"); continue
                }
                // The SIMD block function used by the stream.
                var buf = [UInt32](repeating: 0, count: 64)
                let k = ChaCha20.littleEndianWords(kb)
                let n = ChaCha20.littleEndianWords(nb)
                buf.withUnsafeMutableBufferPointer {
                    ChaCha20.blocks4(key: SIMD8(k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]), counter: counter, nonce: SIMD3(n[0], n[1], n[2]), into: $0.baseAddress!)
                }
                let bytes = buf[0..<16].flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * UInt32($0))) } }
                if hex(bytes) != block { problems.append("case \(c.id): block function differs (\(c.comment))") }
            } else if let s = c.seed, let sid = c.stream, let words = c.words {
                var st = ChaChaStream(seed: try Seed(hex: s), id: sid)
                let got = (0..<words.count).map { _ in st.nextWord() }
                if got != words { problems.append("case \(c.id): stream words differ") }
            } else {
                problems.append("case \(c.id): neither a block case nor a stream case")
            }
        }
        return problems
    }
}
