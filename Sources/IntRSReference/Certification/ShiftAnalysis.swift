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
    /// True only for the discrete Gaussian N_Z(0, sigma2): the lattice collapse (COL-1, ``LatticeCollapse``)
    /// applies, so the tight search may certify whole classes of shifts through a one-dimensional law.
    public let latticeCollapse: Bool
    public let enclosed: @Sendable (Int) -> EnclosedLaw
    /// `enclosed` that can be interrupted (a time budget): asked `stop` inside its loop, nil once it says true
    /// (the laws' `enclosed(bits:stop:)`). Laws built without one are enclosed in one uninterruptible step.
    public let enclosedUnlessStopped: @Sendable (Int, () -> Bool) -> EnclosedLaw?

    public init(name: String, sigma2: Rational, likelihoodRatioIsLayered: Bool, renyiShiftBound: Bool = false,
                latticeCollapse: Bool = false, enclosed: @escaping @Sendable (Int) -> EnclosedLaw,
                enclosedUnlessStopped: (@Sendable (Int, () -> Bool) -> EnclosedLaw?)? = nil) {
        self.name = name; self.sigma2 = sigma2
        self.likelihoodRatioIsLayered = likelihoodRatioIsLayered
        self.renyiShiftBound = renyiShiftBound
        self.latticeCollapse = latticeCollapse
        self.enclosed = enclosed
        self.enclosedUnlessStopped = enclosedUnlessStopped ?? { bits, stop in stop() ? nil : enclosed(bits) }
    }
}

/// One rung of the precision ladder: the noise law's enclosure bits and the fixed-point fraction bits.
public struct Precision: Sendable, Equatable, Codable {
    public var noiseBits: Int
    public var fractionBits: Int
    public init(noiseBits: Int, fractionBits: Int) { self.noiseBits = noiseBits; self.fractionBits = fractionBits }
    /// The fast first rung of the tight search (``ShiftLaw31``): 31 fraction bits; undecided signs go to `ladder`.
    public static let fast = Precision(noiseBits: 44, fractionBits: 31)
    /// The fixed-width rungs (``ShiftLaw``, UInt64 storage), tried in order until a sign is decided.
    public static let ladder = [Precision(noiseBits: 44, fractionBits: 52), Precision(noiseBits: 62, fractionBits: 62)]
    /// The arbitrary-precision rungs (``BigShiftLaw``, BigInt storage) tried after `ladder`, in order: the noise
    /// law enclosed at F bits and F fraction bits, F = 128, 256, 512.
    ///
    /// THE CAP: 512 bits is the last rung. A margin still undecided there stays `undecided` (treated as not
    /// certified, and reported as such). Each rung doubles F; its cost grows faster than F (wider windows, longer
    /// integers; a 1024-bit rung costs seconds to minutes per pattern at large sigma2, see
    /// Proofs/neyman-pearson.md), while a true margin that is not exactly 0 is decided once F is a little above
    /// -log2 |margin|, so margins of magnitude below about 2^-500 are left undecided.
    public static let arbitrary = [128, 256, 512].map { Precision(noiseBits: $0, fractionBits: $0) }
    /// The whole ladder: `ladder` then `arbitrary`.
    public static let fullLadder = ladder + arbitrary
    /// Whether this rung is a fixed-width ``ShiftLaw`` rung (else a ``BigShiftLaw`` rung).
    public var isFixedWidth: Bool { fractionBits <= ShiftLaw.maxFractionBits }
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
    /// The arbitrary-precision rungs tried after the fixed-width ``Precision/ladder`` (default
    /// ``Precision/arbitrary``; `[]` gives the fixed-width ladder alone, as before these rungs existed).
    public let arbitraryRungs: [Precision]
    private var cache: [Int: ShiftLaw] = [:]
    private var bigCache: [Int: BigShiftLaw] = [:]
    private var enclosedCache: [Int: EnclosedLaw] = [:]

    public init(noise: CertificationNoise, arbitraryRungs: [Precision] = Precision.arbitrary) {
        precondition(arbitraryRungs.allSatisfy { !$0.isFixedWidth }, "ShiftAnalyzer: arbitrary rungs need more than 62 fraction bits")
        self.noise = noise
        self.arbitraryRungs = arbitraryRungs
    }

    /// Every rung this analyzer tries, in order: ``Precision/ladder`` then `arbitraryRungs`.
    public var ladder: [Precision] { Precision.ladder + arbitraryRungs }

    public func enclosedLaw(bits: Int) -> EnclosedLaw { enclosedLaw(bits: bits, stop: { false })! }

    /// ``enclosedLaw(bits:)`` that can be interrupted: a law not yet enclosed at these bits is enclosed with `stop`
    /// asked inside its loop (``CertificationNoise/enclosedUnlessStopped``); nil (and nothing cached) once it says true.
    public func enclosedLaw(bits: Int, stop: () -> Bool) -> EnclosedLaw? {
        if let l = enclosedCache[bits] { return l }
        guard let l = noise.enclosedUnlessStopped(bits, stop) else { return nil }
        enclosedCache[bits] = l
        return l
    }

    /// The fixed-width per-coordinate law at a fixed-width rung.
    public func coordinateLaw(_ p: Precision) -> ShiftLaw { coordinateLaw(p, stop: { false })! }

    /// ``coordinateLaw(_:)`` that can be interrupted while the noise law is enclosed (nil once `stop` says true).
    public func coordinateLaw(_ p: Precision, stop: () -> Bool) -> ShiftLaw? {
        let key = p.noiseBits * 100_000 + p.fractionBits
        if let l = cache[key] { return l }
        guard let e = enclosedLaw(bits: p.noiseBits, stop: stop) else { return nil }
        let l = ShiftLaw(e, fractionBits: p.fractionBits)
        cache[key] = l
        return l
    }

    /// The per-coordinate law at any rung, in BigInt storage.
    public func coordinateBigLaw(_ p: Precision) -> BigShiftLaw { coordinateBigLaw(p, stop: { false })! }

    /// ``coordinateBigLaw(_:)`` that can be interrupted while the noise law is enclosed (nil once `stop` says true).
    public func coordinateBigLaw(_ p: Precision, stop: () -> Bool) -> BigShiftLaw? {
        let key = p.noiseBits * 100_000 + p.fractionBits
        if let l = bigCache[key] { return l }
        guard let e = enclosedLaw(bits: p.noiseBits, stop: stop) else { return nil }
        let l = BigShiftLaw(e, fractionBits: p.fractionBits)
        bigCache[key] = l
        return l
    }

    /// The enclosed law of T = <delta, eps> at a fixed-width precision.
    public func lawOfT(_ delta: [Int], precision: Precision) -> ShiftLaw {
        ShiftLaw.ofShift(delta, noise: coordinateLaw(precision))
    }

    /// The enclosed law of T = <delta, eps> at any precision, in BigInt storage.
    public func bigLawOfT(_ delta: [Int], precision: Precision) -> BigShiftLaw {
        BigShiftLaw.ofShift(delta, noise: coordinateBigLaw(precision))
    }

    /// ``lawOfT(_:precision:)`` that can be interrupted: `stop` is asked inside the noise law's enclosure at a new
    /// precision, before each convolution and every ``ShiftLaw/rowsPerStopCheck`` output entries inside it
    /// (``ShiftLaw/adding(part:of:trimBudget:stop:)``); nil once it says true.
    public func lawOfT(_ delta: [Int], precision: Precision, stop: () -> Bool) -> ShiftLaw? {
        if stop() { return nil }
        guard let noise = coordinateLaw(precision, stop: stop) else { return nil }
        var t = ShiftLaw(fractionBits: noise.fractionBits)
        for k in delta where k != 0 {
            if stop() { return nil }
            guard let next = t.adding(part: k, of: noise, stop: stop) else { return nil }
            t = next
        }
        return t
    }

    /// ``bigLawOfT(_:precision:)`` that can be interrupted: `stop` is asked inside the noise law's enclosure at a
    /// new precision and before each row of each convolution (``BigShiftLaw/adding(part:of:trimBudget:stop:)``);
    /// nil once it says true.
    public func bigLawOfT(_ delta: [Int], precision: Precision, stop: @escaping () -> Bool) -> BigShiftLaw? {
        if stop() { return nil }
        guard let noise = coordinateBigLaw(precision, stop: stop) else { return nil }
        var t = BigShiftLaw(fractionBits: noise.fractionBits)
        for k in delta where k != 0 {
            guard let next = t.adding(part: k, of: noise, stop: stop) else { return nil }
            t = next
        }
        return t
    }

    /// ``analyse(delta:pA:pB:)`` that can be interrupted (a time budget): nil when `stop` said true before a rung
    /// decided. The laws are the same as ``lawOfT(_:precision:)`` / ``bigLawOfT(_:precision:)`` build, so a result
    /// is the uninterrupted one.
    public func analyse(delta: [Int], pA: Rational, pB: Rational?, stop: @escaping () -> Bool) -> ShiftAnalysis? {
        let (result, complete) = analyseWithinBudget(delta: delta, pA: pA, pB: pB, stop: stop)
        return complete ? result : nil
    }

    /// ``analyse(delta:pA:pB:stop:)`` that keeps what was finished: `complete` is false when `stop` said true before a
    /// rung decided, and then `analysis` is the last rung finished in time (its decision `.undecided`: every enclosure
    /// in it is sound, only too wide to decide), or nil when not even the first rung was finished.
    public func analyseWithinBudget(delta: [Int], pA: Rational, pB: Rational?,
                                    stop: @escaping () -> Bool) -> (analysis: ShiftAnalysis?, complete: Bool) {
        let n2 = delta.reduce(0) { $0 + $1 * $1 }
        var result: ShiftAnalysis? = nil
        for p in ladder {
            if p.isFixedWidth {
                guard let law = lawOfT(delta, precision: p, stop: stop) else { return (result, false) }
                result = ShiftAnalysis.evaluate(law: law, delta: delta, n2: n2, pA: pA, pB: pB, precision: p)
            } else {
                guard let law = bigLawOfT(delta, precision: p, stop: stop) else { return (result, false) }
                result = ShiftAnalysis.evaluate(law: law, delta: delta, n2: n2, pA: pA, pB: pB, precision: p)
            }
            if result!.decision != .undecided { break }
        }
        return (result, true)
    }

    /// Enclosure of midCDF_T(|delta|^2) (NP-3) at one rung (``ShiftLaw`` or ``BigShiftLaw`` by its width).
    public func midCDF(_ delta: [Int], precision p: Precision) -> Interval {
        let n2 = delta.reduce(0) { $0 + $1 * $1 }
        return p.isFixedWidth ? NeymanPearson.midCDF(lawOfT(delta, precision: p), at: n2)
                              : NeymanPearson.midCDF(bigLawOfT(delta, precision: p), at: n2)
    }

    /// Margins, decision and witness for delta at one rung (``ShiftLaw`` or ``BigShiftLaw`` by its width).
    public func evaluate(delta: [Int], pA: Rational, pB: Rational?, precision p: Precision) -> ShiftAnalysis {
        let n2 = delta.reduce(0) { $0 + $1 * $1 }
        if p.isFixedWidth {
            return ShiftAnalysis.evaluate(law: lawOfT(delta, precision: p), delta: delta, n2: n2, pA: pA, pB: pB, precision: p)
        }
        return ShiftAnalysis.evaluate(law: bigLawOfT(delta, precision: p), delta: delta, n2: n2, pA: pA, pB: pB, precision: p)
    }

    /// Margins, rigorous decision and witness for delta, raising the precision through ``ladder`` (fixed-width
    /// rungs, then the arbitrary-precision ones up to the cap) until the margin's sign is decided; `.undecided`
    /// (treated as not certified) at the last rung tried if none decides it.
    public func analyse(delta: [Int], pA: Rational, pB: Rational?) -> ShiftAnalysis {
        var result: ShiftAnalysis!
        for p in ladder {
            result = evaluate(delta: delta, pA: pA, pB: pB, precision: p)
            if result.decision != .undecided { break }
        }
        return result
    }
}

extension ShiftAnalysis {
    /// The margin (worstA - bestB, or worstA - 1/2 in the binary form when bestB is nil), its rigorous
    /// sign, and the witness only when the margin is proven <= 0. Shared by both law representations.
    static func assemble(delta: [Int], n2: Int, pA: Rational, pB: Rational?, precision: Precision,
                         worstA wA: Interval, bestB: Interval?, witness: () -> ShiftWitness?) -> ShiftAnalysis {
        let bB = bestB ?? Interval(exactly: Rational(1, 2))
        let m = wA - bB
        let d = Decision(positive: m)
        return ShiftAnalysis(delta: delta, norm2: n2, pA: pA, pB: pB, worstA: wA, bestB: bB, margin: m,
                             decision: d, precision: precision, witness: d == .notCertified ? witness() : nil)
    }

    /// Margins and decision on one enclosed law of T.
    public static func evaluate(law: ShiftLaw, delta: [Int], n2: Int, pA: Rational, pB: Rational?,
                                precision: Precision) -> ShiftAnalysis {
        assemble(delta: delta, n2: n2, pA: pA, pB: pB, precision: precision,
                 worstA: NeymanPearson.worstA(law, shift: n2, p: pA),
                 bestB: pB.map { NeymanPearson.bestB(law, shift: n2, p: $0) },
                 witness: { ShiftWitness.build(delta: delta, law: law, pA: pA, pB: pB) })
    }
}

extension ShiftAnalysis {
    /// Margins and decision on one enclosed law of T at an arbitrary-precision rung (NP-4 unchanged).
    public static func evaluate(law: BigShiftLaw, delta: [Int], n2: Int, pA: Rational, pB: Rational?,
                                precision: Precision) -> ShiftAnalysis {
        assemble(delta: delta, n2: n2, pA: pA, pB: pB, precision: precision,
                 worstA: NeymanPearson.worstA(law, shift: n2, p: pA),
                 bestB: pB.map { NeymanPearson.bestB(law, shift: n2, p: $0) },
                 witness: { ShiftWitness.build(delta: delta, law: law, pA: pA, pB: pB) })
    }
}
