import Testing
import IntRSExact
@testable import IntRSReference

@Suite struct ShiftAnalysisTests {
    static func ng(_ s: String) throws -> ShiftAnalyzer { ShiftAnalyzer(noise: try CertificationNoise.discreteGaussian(sigma2: Rational(s)!)) }

    @Test("sigma2 = 1, delta = (1), pA = 0.7, pB = 0.07: the closed form certifies, the exact margin is about -0.018, and the witness checks")
    func requiredCounterexample() throws {
        let a = try Self.ng("1")
        let pA = Rational(7, 10), pB = Rational(7, 100)
        let (cf, r) = ClosedFormRadius.decide(sigma2: 1, pA: pA, pB: pB, norm2: 1)
        #expect(cf == .certified)
        #expect(r.lo > Rational(1) && r.hi < Rational(10002, 10000), "R = \(r)")
        let res = a.analyse(delta: [1], pA: pA, pB: pB)
        #expect(res.decision == .notCertified)
        #expect(res.margin.lo > Rational(-19, 1000) && res.margin.hi < Rational(-17, 1000), "margin \(res.margin)")
        let w = try #require(res.witness)
        let c = try #require(w.check(noise: a.enclosedLaw(bits: res.precision.noiseBits), pA: pA, pB: pB))
        #expect(c.valid, "\(c)")
    }

    @Test("midCDF for sigma = 1, delta = (1) is 0.82046..., below Phi(1) = 0.84134...")
    func midCDFValue() throws {
        let a = try Self.ng("1")
        let m = NeymanPearson.midCDF(a.lawOfT([1], precision: Precision.ladder[1]), at: 1)
        #expect(m.lo > Rational(82045, 100000) && m.hi < Rational(82047, 100000), "\(m)")
        #expect(m.width < Rational(1, 1 << 50))
        let phi = Enclosure.phi(Rational(1), bits: 64)
        #expect(m.hi < phi.lo)
    }

    @Test("NP-3 shortcut equals the general walk under N_Z", arguments: ["1/4", "1", "9/4", "16"])
    func shortcutVsWalk(s: String) throws {
        let a = try Self.ng(s)
        for delta in [[1], [2], [1, 1], [2, 1], [1, 1, 1], [3, 1], [2, 2, 1]] {
            let n2 = delta.reduce(0) { $0 + $1 * $1 }
            let law = a.lawOfT(delta, precision: Precision.ladder[1])
            let mid = NeymanPearson.midCDF(law, at: n2)
            for pA in ["0.55", "0.7", "0.8", "0.9", "0.95", "0.99", "0.999"].map({ Rational($0)! }) {
                let byMid: Decision = pA > mid.hi ? .certified : (pA <= mid.lo ? .notCertified : .undecided)
                let byWalk = Decision(positive: NeymanPearson.binaryMargin(law, shift: n2, p: pA))
                #expect(byMid == byWalk, "sigma2 \(s) delta \(delta) pA \(pA)")
                // Binary form = two-class form with pB = 1 - pA.
                #expect(Decision(positive: NeymanPearson.margin(law, shift: n2, pA: pA, pB: 1 - pA)) == byWalk)
            }
        }
    }

    @Test("margin enclosures are tight (width < 2^-40) and witnesses of non-certified shifts re-check")
    func widthsAndWitnesses() throws {
        let a = try Self.ng("9/4")
        for delta in [[1], [1, 1], [2, -1], [3]] {
            for (pA, pB) in [("0.6", "0.3"), ("0.7", "0.07"), ("0.9", "0.05")] {
                let r = a.analyse(delta: delta, pA: Rational(pA)!, pB: Rational(pB)!)
                #expect(r.margin.width < Rational(1, 1 << 40), "\(delta) \(pA) \(pB) width")
                if let w = r.witness {
                    let c = try #require(w.check(noise: a.enclosedLaw(bits: r.precision.noiseBits), pA: Rational(pA)!, pB: Rational(pB)!))
                    #expect(c.valid, "\(delta) \(pA) \(pB)")
                }
            }
        }
    }

    @Test("the independent box enumeration agrees with the convolution for the shifted masses")
    func enumerationAgreesWithConvolution() throws {
        let a = try Self.ng("1")
        let delta = [2, 1]
        let law = a.lawOfT(delta, precision: Precision.ladder[1])
        let pA = Rational(9, 10)
        let th = try #require(NeymanPearson.lowerWalk(law, p: pA))
        let w = ShiftWitness(delta: delta, tauA: th.tau, thetaA: th.theta, tauB: nil, thetaB: nil)
        let c = try #require(w.check(noise: a.enclosedLaw(bits: Precision.ladder[1].noiseBits), pA: pA, pB: nil))
        let upper = NeymanPearson.worstAUpper(law, shift: 5, p: pA).bound
        // Same test, two computations: the enclosures must overlap.
        #expect(c.shiftedA.lo <= upper && NeymanPearson.worstA(law, shift: 5, p: pA).lo <= c.shiftedA.hi)
        #expect(c.cleanA.lo >= pA)
    }
}
