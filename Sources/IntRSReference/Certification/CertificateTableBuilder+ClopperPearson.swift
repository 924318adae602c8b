import IntRSCore
import IntRSExact

extension CertificateTableBuilder {
    /// The upper end of an enclosure of Phi(sqrt(x2)) (x2 >= 0 rational), at `bits`.
    public static func phiOfSqrtUpper(_ x2: Rational, bits: Int = 96) -> Rational {
        if x2.isZero { return Rational(1, 2) }
        return Enclosure.phi(Enclosure.sqrt(x2, bits: bits), bits: bits).hi
    }

    /// Builds a table with the exact Clopper–Pearson lower bound (CP-1) and Phi enclosures.
    public static func build(spec: Spec, alpha: Rational, generator: String = "intrs table \(IntRSVersion.string)",
                             maxNorm2: Int = CertificateTableBuilder.defaultMaxNorm2,
                             progress: Progress? = nil) throws -> CertificateTable {
        let n = spec.estimationSamples
        return try build(spec: spec,
                         lowerBound: { k in try ClopperPearson.lowerBound(successes: k, trials: n, alpha: alpha) },
                         phiUpper: { phiOfSqrtUpper($0) }, generator: generator, maxNorm2: maxNorm2, progress: progress)
    }

    /// The thresholds M(n) the table was built from (same functions as `build`), for reference lookups.
    public static func thresholds(spec: Spec, alpha: Rational) throws -> [Rational] {
        let cap = try ClopperPearson.lowerBound(successes: spec.estimationSamples, trials: spec.estimationSamples, alpha: alpha)
        return thresholds(spec: spec, cap: cap, phiUpper: { phiOfSqrtUpper($0) })
    }
}
