import Testing
import IntRSExact
@testable import IntRSReference

/// The arbitrary-precision rungs (``BigShiftLaw``, ``Precision/arbitrary``): equal to the fixed-width law where
/// both exist, nested enclosures as F grows, and near-ties that 62 bits cannot decide.
@Suite struct BigShiftLawTests {
    static func dg(_ s2: Rational, rungs: [Precision] = Precision.arbitrary) -> ShiftAnalyzer {
        ShiftAnalyzer(noise: try! CertificationNoise.discreteGaussian(sigma2: s2), arbitraryRungs: rungs)
    }

    @Test("BigShiftLaw equals ShiftLaw bit for bit at F = 52 and 62, and so do midCDF and the walk's upper end (seed 0xB16F)",
          arguments: [Rational(1, 2), Rational(1), Rational(10)])
    func equalsShiftLaw(s2: Rational) {
        let a = Self.dg(s2)
        for rung in Precision.ladder {
            let small = a.coordinateLaw(rung)
            let big = a.coordinateBigLaw(rung)
            #expect(big == BigShiftLaw(exactly: small), "sigma2 \(s2) F \(rung.fractionBits): per-coordinate laws differ")
            for p in ShiftLaw31Tests.randomPatterns(seed: 0xB16F, count: 8) {
                let s = ShiftLaw.ofShift(p, noise: small)
                let b = BigShiftLaw.ofShift(p, noise: big)
                #expect(b == BigShiftLaw(exactly: s), "sigma2 \(s2) F \(rung.fractionBits) pattern \(p): convolutions differ")
                let n2 = p.reduce(0) { $0 + $1 * $1 }
                #expect(NeymanPearson.midCDF(b, at: n2) == NeymanPearson.midCDF(s, at: n2))
                for pA in [Rational(6, 10), Rational(9, 10)] {
                    #expect(NeymanPearson.worstAUpper(b, shift: n2, p: pA).bound == NeymanPearson.worstAUpper(s, shift: n2, p: pA).bound)
                    #expect(NeymanPearson.worstA(b, shift: n2, p: pA).intersection(NeymanPearson.worstA(s, shift: n2, p: pA)) != nil)
                }
            }
        }
    }

    @Test("enclosures nest and narrow along the ladder: each rung's midCDF and worstA intersect the 62-bit ones and are about 2^-F wide",
          arguments: [[1], [2, 1], [1, 1, 1, 1]])
    func narrowing(delta: [Int]) {
        let a = Self.dg(Rational(9, 4))
        let n2 = delta.reduce(0) { $0 + $1 * $1 }
        let m62 = a.midCDF(delta, precision: Precision.ladder[1])
        let w62 = NeymanPearson.worstA(a.lawOfT(delta, precision: Precision.ladder[1]), shift: n2, p: Rational(7, 10))
        let finest = a.bigLawOfT(delta, precision: Precision.arbitrary.last!)
        for rung in Precision.arbitrary {
            let law = a.bigLawOfT(delta, precision: rung)
            let m = NeymanPearson.midCDF(law, at: n2)
            let w = NeymanPearson.worstA(law, shift: n2, p: Rational(7, 10))
            #expect(m.intersection(m62) != nil && w.intersection(w62) != nil, "F \(rung.fractionBits): disjoint from 62 bits")
            // Both contain the truth, so they must meet the 512-bit enclosures (about 2^-500 wide): a bound that
            // drops a term of order 2^-F (e.g. the tail) shows up here.
            for p in [Rational(7, 10), Rational(1, 2), Rational(99, 100)] {
                let wf = NeymanPearson.worstA(finest, shift: n2, p: p), wr = NeymanPearson.worstA(law, shift: n2, p: p)
                #expect(wr.intersection(wf) != nil, "F \(rung.fractionBits) p \(p): worstA disjoint from the 512-bit one")
                let bf = NeymanPearson.bestB(finest, shift: n2, p: Rational(1) - p), br = NeymanPearson.bestB(law, shift: n2, p: Rational(1) - p)
                #expect(br.intersection(bf) != nil, "F \(rung.fractionBits) p \(p): bestB disjoint from the 512-bit one")
            }
            #expect(m.intersection(NeymanPearson.midCDF(finest, at: n2)) != nil)
            let slack = Rational.dyadic(BigInt(1), exponent: 16 - rung.fractionBits)
            #expect(m.width < slack, "F \(rung.fractionBits): midCDF width \(m.width.doubleApproximation)")
            // The exact multiplier makes the duality gap shrink with F (the 62-bit rung's 40-bit multiplier stalls near 2^-40).
            #expect(w.width < slack, "F \(rung.fractionBits): worstA width \(w.width.doubleApproximation)")
        }
    }

    @Test("on exact rational laws (brute force, NeymanPearsonTests' laws) the big rungs enclose worstA, bestB, midCDF, also with a large tail bound",
          arguments: [128, 256])
    func exactLaws(F: Int) {
        let masses = ExactTestLaws.gaussianLike(q: Rational(3, 4), K: 6)
        // Whole window (tail 0), and only [-2, 2] with the rest as tail mass (about 0.03).
        let inner = Array(masses[4 ... 8])
        let tail = masses.reduce(Rational(0), +) - inner.reduce(Rational(0), +)
        let laws = [(ExactTestLaws.enclosed(masses, offset: -6), true),
                    (EnclosedLaw(offset: -2, masses: inner.map { Interval(exactly: $0) }, tailMass: tail), false)]
        for (enclosed, whole) in laws {
            for k in [1, 2] {
                let law = BigShiftLaw.ofShift([k], noise: BigShiftLaw(enclosed, fractionBits: F))
                let pts = ExactTestLaws.points(masses, offset: -6, delta: [k])
                for p in [Rational(1, 3), Rational(1, 2), Rational(7, 10), Rational(9, 10)] {
                    let exact = ExactTestLaws.greedyWorstA(pts, p: p)
                    let w = NeymanPearson.worstA(law, shift: k * k, p: p)
                    #expect(w.contains(exact), "F \(F) k=\(k) p=\(p) whole=\(whole): \(w.lo.doubleApproximation)...\(w.hi.doubleApproximation) vs \(exact.doubleApproximation)")
                    if whole { #expect(w.width < Rational.dyadic(BigInt(1), exponent: 20 - F), "F \(F) k=\(k) p=\(p): width \(w.width.doubleApproximation)") }
                    let b = NeymanPearson.bestB(law, shift: k * k, p: Rational(1) - p)
                    #expect(b.contains(Rational(1) - exact))
                }
                var m = Rational(0)
                for (t, q) in ExactTestLaws.lawOfT(masses, offset: -6, delta: [k]) { if t < k * k { m += q } else if t == k * k { m += q / 2 } }
                #expect(NeymanPearson.midCDF(law, at: k * k).contains(m))
            }
        }
    }

    /// midCDF_T(1) for delta = (1) (T = eps) summed directly from the per-coordinate enclosed PMF at `bits`:
    /// P[eps <= 0] + P[eps = 1]/2, plus [0, tail] for the mass outside the window. Shares nothing with the
    /// convolution, the fixed-point rounding or the walks.
    static func directMidCDF(_ a: ShiftAnalyzer, bits: Int) -> Interval {
        let law = a.enclosedLaw(bits: bits)
        var s = Interval(exactly: Rational(0))
        for k in law.support where k <= 1 { s = s + (k == 1 ? law.mass(at: k) * Rational(1, 2) : law.mass(at: k)) }
        return Interval(lo: s.lo, hi: s.hi + law.tailMass)
    }

    @Test("a binary near-tie inside the 62-bit enclosure of midCDF (sigma2 = 1, delta = (1)): the old ladder says undecided, the new one decides, as a direct 600-bit sum says")
    func binaryNearTie() {
        let new = Self.dg(Rational(1)), old = Self.dg(Rational(1), rungs: [])
        let m62 = new.midCDF([1], precision: Precision.ladder[1])
        let direct = Self.directMidCDF(new, bits: 600)
        #expect(m62.contains(direct))
        let pA = m62.midpoint
        #expect(m62.lo < pA && pA < m62.hi)
        #expect(direct.lo >= pA || direct.hi < pA, "the direct sum must decide the test's pA")
        let truth: Decision = pA > direct.hi ? .certified : .notCertified
        let o = old.analyse(delta: [1], pA: pA, pB: nil)
        #expect(o.decision == .undecided && o.precision.fractionBits == 62)
        let n = new.analyse(delta: [1], pA: pA, pB: nil)
        #expect(n.decision == truth, "new ladder \(n.decision) at F \(n.precision.fractionBits), direct sum says \(truth)")
        #expect(n.precision.fractionBits == 128)

        // Just above / just below the 128-bit enclosure, both still inside the 62-bit one: the decision flips.
        let m128 = new.midCDF([1], precision: Precision.arbitrary[0])
        let eps = Rational.dyadic(BigInt(1), exponent: -100)
        for (p, want) in [(m128.hi + eps, Decision.certified), (m128.lo - eps, Decision.notCertified)] {
            #expect(m62.lo < p && p < m62.hi)
            #expect(old.analyse(delta: [1], pA: p, pB: nil).decision == .undecided)
            let r = new.analyse(delta: [1], pA: p, pB: nil)
            #expect(r.decision == want, "pA \(p): \(r.decision) at F \(r.precision.fractionBits)")
            #expect(want == (p > direct.hi ? .certified : (p <= direct.lo ? .notCertified : .undecided)), "direct sum disagrees at pA \(p)")
            if want == .notCertified {
                let w = r.witness!
                let c = w.check(noise: new.enclosedLaw(bits: r.precision.noiseBits), pA: p, pB: nil)!
                #expect(c.valid, "the 128-bit witness must pass the independent check at 128 bits")
                #expect(!(w.check(noise: new.enclosedLaw(bits: 62), pA: p, pB: nil)!.valid), "62 bits cannot prove this witness")
            }
        }
    }

    @Test("the two-class near-tie pB = 1 - pA (margin 2 worstA(pA) - 1): undecided at 62 bits, decided at 128 with the right sign and a checked witness")
    func twoClassNearTie() {
        let new = Self.dg(Rational(1)), old = Self.dg(Rational(1), rungs: [])
        let m128 = new.midCDF([1], precision: Precision.arbitrary[0])
        let eps = Rational.dyadic(BigInt(1), exponent: -100)
        for (p, want) in [(m128.hi + eps, Decision.certified), (m128.lo - eps, Decision.notCertified)] {
            let pB = Rational(1) - p
            #expect(old.analyse(delta: [1], pA: p, pB: pB).decision == .undecided)
            let r = new.analyse(delta: [1], pA: p, pB: pB)
            #expect(r.decision == want && r.precision.fractionBits == 128, "pA \(p): \(r.decision) at F \(r.precision.fractionBits)")
            if want == .notCertified {
                let c = r.witness!.check(noise: new.enclosedLaw(bits: 128), pA: p, pB: pB)!
                #expect(c.valid)
            }
        }
    }

    @Test("a pA inside the 512-bit enclosure stays undecided at the cap and says so (precision 512)")
    func capSaysUndecided() {
        let a = Self.dg(Rational(1))
        let m512 = a.midCDF([1], precision: Precision.arbitrary.last!)
        let r = a.analyse(delta: [1], pA: m512.midpoint, pB: nil)
        #expect(r.decision == .undecided && !r.decision.isCertified)
        #expect(r.precision == Precision.arbitrary.last! && r.precision.fractionBits == 512)
        #expect(r.margin.lo.signum < 0 && r.margin.hi.signum > 0)
    }

    @Test("the tight search raises the precision through the new rungs: a 62-bit near-tie at |delta|^2 = 1 is decided")
    func tightSearchUsesLadder() {
        let new = Self.dg(Rational(1)), old = Self.dg(Rational(1), rungs: [])
        let m128 = new.midCDF([1], precision: Precision.arbitrary[0])
        let eps = Rational.dyadic(BigInt(1), exponent: -100)
        // Just above the threshold of (1): (1) is certified; the next pattern (1, 1) has a larger midCDF.
        let up = m128.hi + eps
        let o = TightRadius.search(analyzer: old, pA: up, pB: nil, dimension: 2, maxNorm2: 4)
        #expect(o.undecided == [[1]] && o.nStar == 1)
        let n = TightRadius.search(analyzer: new, pA: up, pB: nil, dimension: 2, maxNorm2: 4)
        #expect(n.undecided.isEmpty && n.nStar == 2 && n.witnessPattern == [1, 1], "n* \(String(describing: n.nStar)) \(n.undecided)")
        for fast in [true, false] {
            let down = TightRadius.search(analyzer: new, pA: m128.lo - eps, pB: nil, dimension: 2, maxNorm2: 4, fastRung: fast)
            #expect(down.undecided.isEmpty && down.nStar == 1 && down.witnessAnalysis?.decision == .notCertified)
        }
    }
}
