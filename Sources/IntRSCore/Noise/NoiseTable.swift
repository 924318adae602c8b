/// A CDT (cumulative distribution table) with b-bit thresholds: the file format that the reference
/// produces (`TableLaw.noiseTable` in IntRSReference) and the runtime consumes (`FastTableSampler`).
/// Documented in Vectors/noise-table-format.md; sampling rule in Vectors/stream-spec.md §7.
///
/// The table covers the values `minValue ..< minValue + thresholds.count + 1`. `thresholds[i]` is
/// T_i for the value `minValue + i`; the last value's threshold T = 2^b is implied and not stored.
/// The law: P[minValue + i] = (T_i - T_{i-1}) / 2^b with T_{-1} = 0.
/// Thresholds are lower-case hexadecimal strings of exactly b/4 digits (big-endian, zero-padded).
public struct NoiseTable: Codable, Sendable, Equatable {
    /// Always "intrs-noise-table".
    public var format: String
    /// Format version (1).
    public var version: Int
    public var family: NoiseFamily
    /// sigma2 in grid units squared, as an exact "P/Q" (lowest terms) string.
    public var sigma2: String
    /// b: threshold width in bits, a multiple of 32 in 32...128.
    public var bits: Int
    /// The smallest value with nonzero probability.
    public var minValue: Int
    /// T_0 ... T_{m-2} as hex strings (see the type documentation).
    public var thresholds: [String]

    public static let formatName = "intrs-noise-table"
    /// The largest table the runtime accepts: 64 KiB of in-memory table per law.
    public static let maxMemoryBytes = 64 * 1024

    public init(family: NoiseFamily, sigma2: String, bits: Int, minValue: Int, thresholds: [String]) {
        self.format = Self.formatName
        self.version = 1
        self.family = family
        self.sigma2 = sigma2
        self.bits = bits
        self.minValue = minValue
        self.thresholds = thresholds
    }

    /// The largest value with nonzero probability.
    public var maxValue: Int { minValue + thresholds.count }
    /// Number of values (m).
    public var count: Int { thresholds.count + 1 }
    /// Words per threshold (b / 32).
    public var wordsPerThreshold: Int { bits / 32 }

    /// The in-memory size of the fast sampler's table for this law (thresholds as words, a guide
    /// table of up to 4096 UInt32 entries), in bytes. Must be <= ``maxMemoryBytes``.
    public var runtimeMemoryBytes: Int { count * (wordsPerThreshold * 4 + 4) + 4 * (NoiseTable.guideSize(count: count) + 1) }

    /// Guide-table size (a power of two) used by the fast sampler.
    public static func guideSize(count: Int) -> Int {
        var g = 1
        while g < 4096 && g < 2 * count { g <<= 1 }
        return g
    }

    /// Checks the format and returns the thresholds as 32-bit words, most significant first
    /// (`wordsPerThreshold` words per threshold, `thresholds.count` thresholds).
    /// Errors name the field and value.
    public func validatedWords() throws(NoiseError) -> [UInt32] {
        guard format == Self.formatName else { throw .invalidTable("field format is \"\(format)\", expected \"\(Self.formatName)\"") }
        guard version == 1 else { throw .invalidTable("field version is \(version); this IntRS reads version 1") }
        guard bits % 32 == 0, (32...128).contains(bits) else {
            throw .invalidTable("field bits is \(bits); must be 32, 64, 96 or 128")
        }
        guard runtimeMemoryBytes <= Self.maxMemoryBytes else {
            throw .invalidTable("the table has \(count) values and needs \(runtimeMemoryBytes) bytes, over the \(Self.maxMemoryBytes)-byte limit per law")
        }
        let digits = bits / 4
        var words: [UInt32] = []
        words.reserveCapacity(thresholds.count * wordsPerThreshold)
        var previous: [UInt32]? = nil
        for (i, t) in thresholds.enumerated() {
            guard t.utf8.count == digits, t.allSatisfy({ $0.isASCII && $0.isHexDigit && !$0.isUppercase }) else {
                throw .invalidTable("field thresholds[\(i)] is \"\(t)\"; expected \(digits) lower-case hex digits")
            }
            let chars = Array(t.utf8)
            var w: [UInt32] = []
            for j in 0..<wordsPerThreshold {
                var v: UInt32 = 0
                for c in chars[(8 * j)..<(8 * j + 8)] { v = v << 4 | UInt32(Character(UnicodeScalar(c)).hexDigitValue!) }
                w.append(v)
            }
            if let p = previous, w.lexicographicallyPrecedes(p) {
                throw .invalidTable("field thresholds[\(i)] = \(t) is smaller than thresholds[\(i - 1)]; thresholds must be non-decreasing")
            }
            previous = w
            words += w
        }
        return words
    }
}
