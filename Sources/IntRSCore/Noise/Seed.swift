/// A 256-bit seed: the ChaCha20 key of every noise stream (RFC 8439 §2.3, "key").
///
/// Text form: exactly 64 hexadecimal digits (upper or lower case), optionally preceded by `0x`,
/// giving the 32 key bytes in order (byte 0 first), exactly as RFC 8439 prints keys
/// ("000102...1f"). Nothing else is accepted: no shorter seeds (no implicit zero padding), no
/// spaces, no separators. Empty text, an odd number of digits, a wrong length or a non-hex
/// character are rejected with a ``SeedError`` naming the problem.
public struct Seed: Hashable, Sendable, CustomStringConvertible {
    /// The 32 key bytes.
    public let bytes: [UInt8]

    /// From 32 raw bytes; traps on any other count (use ``init(hex:)`` for untrusted input).
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "Seed: need 32 bytes, got \(bytes.count)")
        self.bytes = bytes
    }

    /// Parses 64 hex digits (optional `0x` prefix). See the type documentation.
    public init(hex text: String) throws(SeedError) {
        var body = Substring(text)
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2) }
        if body.isEmpty { throw .empty(text) }
        var digits: [UInt8] = []
        for (i, ch) in body.enumerated() {
            guard let v = ch.hexDigitValue, ch.isASCII else { throw .nonHex(text, position: i, character: ch) }
            digits.append(UInt8(v))
        }
        if digits.count % 2 == 1 { throw .oddLength(text, digits: digits.count) }
        if digits.count != 64 { throw .wrongLength(text, digits: digits.count) }
        bytes = stride(from: 0, to: 64, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// The key as eight little-endian words (RFC 8439 §2.3 state words 4–11).
    public var keyWords: SIMD8<UInt32> {
        let w = ChaCha20.littleEndianWords(bytes)
        return SIMD8<UInt32>(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7])
    }

    /// 64 lower-case hex digits.
    public var hex: String {
        let d = Array("0123456789abcdef")
        return String(bytes.flatMap { [d[Int($0 >> 4)], d[Int($0 & 15)]] })
    }

    public var description: String { hex }
}

/// Why a seed text was rejected.
public enum SeedError: Error, Equatable, CustomStringConvertible, Sendable {
    case empty(String)
    case nonHex(String, position: Int, character: Character)
    case oddLength(String, digits: Int)
    case wrongLength(String, digits: Int)

    public var description: String {
        switch self {
        case .empty(let s):
            return "seed \"\(s)\" is empty: expected 64 hexadecimal digits (32 bytes), e.g. 000102...1f"
        case .nonHex(let s, let p, let c):
            return "seed \"\(s)\": character \"\(c)\" at digit \(p) is not a hexadecimal digit (expected 64 hex digits)"
        case .oddLength(let s, let n):
            return "seed \"\(s)\" has an odd number of hex digits (\(n)); expected exactly 64 (32 bytes)"
        case .wrongLength(let s, let n):
            return "seed \"\(s)\" has \(n) hex digits; expected exactly 64 (32 bytes)"
                + (n < 64 ? "; shorter seeds are not padded" : "; longer seeds are not truncated")
        }
    }
}
