import IntRSCore
import IntRSExact

/// The CDT table sampler of Vectors/stream-spec.md §7 on big integers: the executable
/// specification of `FastTableSampler` (IntRSRuntime), which must return the same samples and
/// consume the same words.
///
/// u is a b-bit uniform drawn lazily, most significant word first. After j words the values of u
/// still possible are [lo, lo + W) with W = 2^(b - 32 j). Stop as soon as no threshold lies strictly
/// inside (lo, lo + W), and return minValue + (the smallest i with T_i > lo).
public struct ReferenceTableSampler: Sendable {
    public let minValue: Int
    public let bits: Int
    /// T_0 ... T_{m-1}, the last being 2^b.
    public let thresholds: [BigInt]

    public init(law: TableLaw) {
        minValue = law.minValue
        bits = law.bits
        thresholds = law.allThresholds
    }

    public init(table: NoiseTable) throws(NoiseError) {
        self.init(law: try TableLaw(table: table))
    }

    /// The smallest i with T_i > x (exists: the last threshold 2^b exceeds every b-bit x).
    func firstAbove(_ x: BigInt) -> Int {
        var lo = 0, hi = thresholds.count - 1
        while lo < hi { let mid = (lo + hi) / 2; if thresholds[mid] > x { hi = mid } else { lo = mid + 1 } }
        return lo
    }

    /// One sample; advances `s`.
    public func sample(_ s: inout ChaChaStream) -> Int {
        var lo = BigInt(0)
        var width = BigInt(1) << bits
        for _ in 0..<(bits / 32) {
            let w = s.nextWord()
            width = width >> 32
            lo += BigInt(UInt64(w)) * width
            // Thresholds are sorted: one lies strictly inside (lo, lo + W) iff the first above lo does.
            let i = firstAbove(lo)
            if thresholds[i] >= lo + width { return minValue + i }
        }
        preconditionFailure("unreachable: with W = 1 no integer lies strictly inside (lo, lo + 1)")
    }
}
