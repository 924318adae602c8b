import IntRSCore
import IntRSExact

/// The noise of a run, in one value: the law (family, sigma2 in grid units squared), the sampler that draws
/// it (the exact CKS sampler, or a CDT table of `tableBits`-bit thresholds) and the total-variation bound the
/// certificates charge for the sampler (the one rule, ``TableLaw/certificationPrecision(tableBits:)``).
///
/// Everything that needs "which noise, drawn how, charged how much" asks this value: the reference CERTIFY
/// and PREDICT (``ReferenceSmoothing``), `intrs certify`/`predict`/`audit` (IntRSRun), the end-to-end
/// vectors. `tableBits` is nil for the exact sampler (records and tables write no bits for it).
///
/// Construction does not validate (the command line and the record reader name the option or field at fault);
/// ``check()`` states the contract and the sampler builders throw when it is broken.
public struct NoiseConfiguration: Sendable, Equatable {
    public var family: NoiseFamily
    /// Grid units squared; > 0.
    public var sigma2: Rational
    public var sampler: SamplerKind
    /// Table threshold bits (a multiple of 32) for the table sampler; nil for the exact sampler.
    public var tableBits: Int?

    public init(family: NoiseFamily, sigma2: Rational, sampler: SamplerKind, tableBits: Int?) {
        self.family = family; self.sigma2 = sigma2; self.sampler = sampler
        self.tableBits = sampler == .table ? tableBits : nil
    }

    /// Throws unless sigma2 > 0, the exact sampler is asked for the discrete Gaussian only, and a table sampler has bits.
    public func check() throws(SmoothingReferenceError) {
        guard sigma2 > Rational(0) else { throw .invalid("sigma2 \(sigma2): must be > 0") }
        switch sampler {
        case .exact:
            guard family == .discreteGaussian else { throw .invalid("the exact sampler is for discrete-gaussian noise only") }
        case .table:
            guard tableBits != nil else { throw .invalid("a table sampler needs tableBits") }
        }
    }

    /// The table sampler's law (nil for the exact sampler). Throws the law's `NoiseError` (its message names
    /// sigma2 and the domain) when sigma2 or the bits are outside the table builder's domain.
    public func tableLaw() throws -> TableLaw? {
        guard sampler == .table else { return nil }
        guard let bits = tableBits else { throw SmoothingReferenceError.invalid("a table sampler needs tableBits") }
        return try TableLaw(family: family, sigma2: sigma2, bits: bits)
    }

    /// The per-coordinate total-variation bound eta between the sampler's law and the analysed law: 0 for the
    /// exact sampler; for a table, the bound at ``TableLaw/certificationPrecision(tableBits:)``
    /// (``TableLaw/certificationTotalVariationBound``). Certificates subtract d x eta from pA's lower bound.
    public func totalVariationBound() throws -> Rational {
        try tableLaw()?.certificationTotalVariationBound ?? Rational(0)
    }

    /// The same bound from an already built law (nil law: the exact sampler).
    public static func totalVariationBound(of law: TableLaw?) -> Rational {
        law?.certificationTotalVariationBound ?? Rational(0)
    }
}
