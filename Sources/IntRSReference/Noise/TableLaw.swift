import IntRSCore
import IntRSExact

/// The exact rational law implemented by a CDT table of b-bit thresholds for either family
/// (Vectors/stream-spec.md §7), built from the ideal law's CDF with thresholds computed EXACTLY:
/// T_k = floor(2^b F(k)), where the enclosure precision of F(k) is raised until every floor is decided.
///
/// Support: L = the smallest k with T_k >= 1; U = the smallest k with T_k = 2^b - 1, whose threshold
/// is replaced by 2^b (the upper tail, of mass < 2^-b, is lumped into U; the lower tail below L,
/// also < 2^-b, is dropped). The law: P[L + i] = (T_i - T_{i-1}) / 2^b, T_{-1} = 0.
public struct TableLaw: Sendable {
    public let family: NoiseFamily
    public let sigma2: Rational
    public let bits: Int
    /// L, the smallest value.
    public let minValue: Int
    /// T_0 ... T_{m-2} (the implied T_{m-1} = 2^b is not included).
    public let thresholds: [BigInt]

    /// Errors: sigma2 outside `Sigma2Domain` (<= 0, < 2^-10 or > 2^16), bits not a multiple of 32 in 32...128, the table over 64 KiB, or a
    /// floor that no precision up to 2^14 extra bits decides (never seen; reported, not guessed).
    public init(family: NoiseFamily, sigma2: Rational, bits: Int) throws(NoiseError) {
        try Sigma2Domain.check(sigma2)
        guard bits % 32 == 0, (32...128).contains(bits) else {
            throw .invalidTable("--bits \(bits): the table width must be 32, 64, 96 or 128")
        }
        self.family = family
        self.sigma2 = sigma2
        self.bits = bits
        let scale = BigInt(1) << bits
        var extra = 24
        var windowExtra = 8
        while true {
            let (offset, cdf) = try TableLaw.cdfEnclosures(family: family, sigma2: sigma2, bits: bits, windowBits: bits + windowExtra, extra: extra)
            // Decide every floor(2^b F(k)) on the window.
            var floors: [BigInt] = []
            var decided = true
            for f in cdf {
                // F(k) < 1 strictly, so floor(2^b F(k)) <= 2^b - 1 even when the enclosure touches 1.
                let lo = f.lo.timesPowerOfTwo(bits).floor
                var hi = f.hi.timesPowerOfTwo(bits).floor
                if hi >= scale { hi = scale - BigInt(1) }
                if lo != hi { decided = false; break }
                floors.append(lo)
            }
            if decided {
                guard let first = floors.firstIndex(where: { $0.signum > 0 }),
                      let last = floors.firstIndex(where: { $0 == scale - BigInt(1) }),
                      first > 0, last < floors.count - 1 else {
                    // The window must show T = 0 at its left end and T = 2^b - 1 at its right end.
                    if windowExtra > 1 << 12 { throw .invalidTable("window too small for sigma2 = \(sigma2), bits = \(bits)") }
                    windowExtra *= 2
                    continue
                }
                minValue = offset + first
                thresholds = first < last ? Array(floors[first..<last]) : []
                break
            }
            if extra > 1 << 14 {
                throw .invalidTable("could not decide floor(2^\(bits) F(k)) for sigma2 = \(sigma2) with \(extra) extra bits")
            }
            extra *= 2
        }
        let memory = noiseTable.runtimeMemoryBytes
        guard memory <= NoiseTable.maxMemoryBytes else {
            throw .invalidTable("sigma2 = \(sigma2) with \(bits)-bit thresholds needs \(thresholds.count + 1) values and \(memory) bytes, over the \(NoiseTable.maxMemoryBytes)-byte limit per law")
        }
    }

    /// CDF enclosures on the window whose outside mass is <= 2^-windowBits.
    static func cdfEnclosures(family: NoiseFamily, sigma2: Rational, bits: Int, windowBits: Int, extra: Int) throws(NoiseError) -> (offset: Int, cdf: [Interval]) {
        switch family {
        case .discreteGaussian:
            let law = try DiscreteGaussianLaw(sigma2: sigma2)
            let k = law.window(tailBits: windowBits)
            return (-k, law.cdf(window: k, bits: bits + extra))
        case .roundedGaussian:
            let law = try RoundedGaussianLaw(sigma2: sigma2)
            let k = law.window(tailBits: windowBits)
            return (-k, law.cdf(window: k, bits: bits + extra))
        }
    }

    /// The largest value U.
    public var maxValue: Int { minValue + thresholds.count }

    /// All thresholds including the implied last one, 2^b.
    public var allThresholds: [BigInt] { thresholds + [BigInt(1) << bits] }

    /// The exact masses P[L + i] = (T_i - T_{i-1}) / 2^b.
    public var masses: [Rational] {
        var prev = BigInt(0)
        let denom = BigInt(1) << bits
        return allThresholds.map { t in defer { prev = t }; return Rational(t - prev, denom) }
    }

    /// The exact law as an EnclosedLaw (degenerate intervals, zero tail).
    public var enclosed: EnclosedLaw {
        EnclosedLaw(offset: minValue, masses: masses.map { Interval(exactly: $0) }, tailMass: Rational(0))
    }

    /// The exact variance of the table law.
    public var variance: Rational {
        var v = Rational(0)
        for (i, m) in masses.enumerated() { let k = Rational(minValue + i); v += k * k * m }
        return v
    }

    /// THE precision rule for the total-variation charge of a table sampler: wherever a table sampler's bound
    /// eta enters a certificate (`intrs certify` and its run records, `intrs audit`, `intrs table`, `intrs
    /// radius`, certificate tables and the end-to-end vectors) it is ``totalVariationBound(bits:)`` computed at
    /// max(2 x table bits, 128) bits. One rule, so that a certificate table built by one command for a
    /// configuration is the table another command expects (its configuration records eta exactly). The bound is
    /// sound at any precision; this one makes the rounding of the 2^-precision grid negligible against the
    /// table's own 2^-bits quantisation.
    public static func certificationPrecision(tableBits: Int) -> Int { Swift.max(2 * tableBits, 128) }

    /// The total-variation bound eta charged per coordinate in certificates:
    /// ``totalVariationBound(bits:)`` at ``certificationPrecision(tableBits:)``.
    public var certificationTotalVariationBound: Rational {
        totalVariationBound(bits: Self.certificationPrecision(tableBits: bits))
    }

    /// A rigorous upper bound (dyadic, denominator 2^bits) on the total-variation distance
    /// TV(table law, ideal law) = 1/2 sum_k |Q(k) - P(k)|: every term is bounded by the larger
    /// distance from Q(k) to the ends of P(k)'s enclosure, and the ideal law's mass outside the
    /// enclosure window (where Q = 0 as the window covers the table's support) by its tail bound.
    /// The ideal law is enclosed with `precision` bits; the computation is
    /// ``totalVariationBound(tableMasses:minValue:ideal:bits:)``.
    public func totalVariationBound(bits precision: Int) -> Rational {
        let ideal: EnclosedLaw
        switch family {
        case .discreteGaussian: ideal = try! DiscreteGaussianLaw(sigma2: sigma2).enclosed(bits: precision)
        case .roundedGaussian: ideal = try! RoundedGaussianLaw(sigma2: sigma2).enclosed(bits: precision)
        }
        return Self.totalVariationBound(tableMasses: masses, minValue: minValue, ideal: ideal, bits: precision)
    }

    /// The TV bound of an exact law Q (masses `tableMasses` on minValue, minValue + 1, ...) against
    /// any law P consistent with the enclosure `ideal`:
    ///
    ///     roundUp_{2^-bits}( 1/2 ( tailMass + sum_{k in window} max(|Q(k) - lo_k|, |Q(k) - hi_k|) ) )
    ///
    /// where [lo_k, hi_k] is P(k)'s enclosure. max(|Q - lo|, |Q - hi|) = sup over p in [lo, hi] of
    /// |Q - p| (|Q - p| is convex in p), so the bound holds for every P inside the enclosures; the
    /// tail term bounds sum_{k outside} P(k) (Q is 0 there). Precondition: the window covers Q's support.
    /// Pinned on a hand-checkable law in NoiseLawTests ("TV bound: exact value on a tiny law").
    public static func totalVariationBound(tableMasses q: [Rational], minValue: Int, ideal: EnclosedLaw, bits precision: Int) -> Rational {
        let maxValue = minValue + q.count - 1
        precondition(ideal.support.lowerBound <= minValue && maxValue < ideal.support.upperBound,
                     "TV bound: ideal window does not cover the table")
        var sum = ideal.tailMass
        for k in ideal.support {
            let p = ideal.mass(at: k)
            let qk = (minValue...maxValue).contains(k) ? q[k - minValue] : Rational(0)
            sum += Rational.max((qk - p.lo).magnitude, (qk - p.hi).magnitude)
        }
        return (sum / Rational(2)).roundedUp(bits: precision)
    }

    /// The table in the exchange format (hex thresholds).
    public var noiseTable: NoiseTable {
        let digits = bits / 4
        let hex = thresholds.map { t -> String in
            let s = t.toString(radix: 16)
            return String(repeating: "0", count: digits - s.count) + s
        }
        return NoiseTable(family: family, sigma2: sigma2.description, bits: bits, minValue: minValue, thresholds: hex)
    }

    /// Reads a table back (for the reference sampler); validates it.
    public init(table: NoiseTable) throws(NoiseError) {
        _ = try table.validatedWords()
        guard let s2 = Rational(table.sigma2), s2.signum > 0 else { throw .invalidTable("field sigma2 is \"\(table.sigma2)\"; expected a positive p/q") }
        family = table.family
        sigma2 = s2
        bits = table.bits
        minValue = table.minValue
        thresholds = table.thresholds.map { BigInt($0, radix: 16)! }
    }
}
