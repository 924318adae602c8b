import IntRSExact

/// A per-coordinate noise law for certification, at any requested precision.
///
/// `enclosed(bits)` must return an ``EnclosedLaw`` whose tail bound is at most about `2^-bits`
/// (the noise laws' `enclosed(bits:)`). `likelihoodRatioIsLayered` is true for the discrete Gaussian,
/// whose likelihood ratio between shifted and clean input depends on the noise vector only through
/// `<delta, z>`: only then is the layer walk the exact worst case for every delta (Proofs: NP-1).
public struct CertificationNoise: Sendable {
    public let name: String
    public let sigma2: Rational
    public let likelihoodRatioIsLayered: Bool
    /// True only for the discrete Gaussian N_Z(0, sigma2): the Rényi shift bound
    /// D_alpha <= alpha |delta|^2 / (2 sigma2) for integer delta holds, so ``RenyiFloor`` applies (Proofs: REN-1).
    public let renyiShiftBound: Bool
    public let enclosed: @Sendable (Int) -> EnclosedLaw

    public init(name: String, sigma2: Rational, likelihoodRatioIsLayered: Bool, renyiShiftBound: Bool = false,
                enclosed: @escaping @Sendable (Int) -> EnclosedLaw) {
        self.name = name; self.sigma2 = sigma2
        self.likelihoodRatioIsLayered = likelihoodRatioIsLayered
        self.renyiShiftBound = renyiShiftBound
        self.enclosed = enclosed
    }
}

/// One rung of the precision ladder: the noise law's enclosure bits and the fixed-point fraction bits.
public struct Precision: Sendable, Equatable, Codable {
    public var noiseBits: Int
    public var fractionBits: Int
    public init(noiseBits: Int, fractionBits: Int) { self.noiseBits = noiseBits; self.fractionBits = fractionBits }
    /// The fast first rung of the tight search (``ShiftLaw31``): 31 fraction bits; undecided signs go to `ladder`.
    public static let fast = Precision(noiseBits: 44, fractionBits: 31)
    /// The rungs tried, in order, until a sign is decided.
    public static let ladder = [Precision(noiseBits: 44, fractionBits: 52), Precision(noiseBits: 62, fractionBits: 62)]
}

/// The exact Neyman–Pearson analysis of one integer shift delta.
public struct ShiftAnalysis: Sendable {
    public var delta: [Int]
    /// |delta|^2.
    public var norm2: Int
    public var pA: Rational
    /// nil: binary form (pB := 1 - pA and the question is worstA(pA) > 1/2).
    public var pB: Rational?
    public var worstA: Interval
    /// bestB(pB) (two-class) or 1/2 (binary).
    public var bestB: Interval
    /// worstA - bestB (two-class) or worstA - 1/2 (binary).
    public var margin: Interval
    public var decision: Decision
    public var precision: Precision
    /// Present when the margin is proven <= 0.
    public var witness: ShiftWitness?
}

/// Caches the fixed-point per-coordinate law at each rung of the precision ladder.
public final class ShiftAnalyzer: @unchecked Sendable {
    public let noise: CertificationNoise
    private var cache: [Int: ShiftLaw] = [:]
    private var enclosedCache: [Int: EnclosedLaw] = [:]

    public init(noise: CertificationNoise) { self.noise = noise }

    public func enclosedLaw(bits: Int) -> EnclosedLaw {
        if let l = enclosedCache[bits] { return l }
        let l = noise.enclosed(bits)
        enclosedCache[bits] = l
        return l
    }

    public func coordinateLaw(_ p: Precision) -> ShiftLaw {
        let key = p.noiseBits * 1000 + p.fractionBits
        if let l = cache[key] { return l }
        let l = ShiftLaw(enclosedLaw(bits: p.noiseBits), fractionBits: p.fractionBits)
        cache[key] = l
        return l
    }

    /// The enclosed law of T = <delta, eps> at a precision.
    public func lawOfT(_ delta: [Int], precision: Precision) -> ShiftLaw {
        ShiftLaw.ofShift(delta, noise: coordinateLaw(precision))
    }

    /// Margins, rigorous decision and witness for delta, raising the precision until the margin's
    /// sign is decided; `.undecided` (treated as not certified) if no rung decides it.
    public func analyse(delta: [Int], pA: Rational, pB: Rational?) -> ShiftAnalysis {
        let n2 = delta.reduce(0) { $0 + $1 * $1 }
        var result: ShiftAnalysis!
        for p in Precision.ladder {
            let law = lawOfT(delta, precision: p)
            result = ShiftAnalysis.evaluate(law: law, delta: delta, n2: n2, pA: pA, pB: pB, precision: p)
            if result.decision != .undecided { break }
        }
        return result
    }
}

extension ShiftAnalysis {
    /// Margins and decision on one enclosed law of T.
    public static func evaluate(law: ShiftLaw, delta: [Int], n2: Int, pA: Rational, pB: Rational?,
                                precision: Precision) -> ShiftAnalysis {
        let wA = NeymanPearson.worstA(law, shift: n2, p: pA)
        let bB = pB.map { NeymanPearson.bestB(law, shift: n2, p: $0) } ?? Interval(exactly: Rational(1, 2))
        let m = wA - bB
        let d = Decision(positive: m)
        let w = d == .notCertified ? ShiftWitness.build(delta: delta, law: law, pA: pA, pB: pB) : nil
        return ShiftAnalysis(delta: delta, norm2: n2, pA: pA, pB: pB, worstA: wA, bestB: bB, margin: m,
                             decision: d, precision: precision, witness: w)
    }
}
