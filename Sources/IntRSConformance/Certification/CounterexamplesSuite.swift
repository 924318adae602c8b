import Foundation
import IntRSExact
import IntRSReference

/// `counterexamples`: cases where the two-class closed form certifies delta under N_Z but the exact margin is
/// <= 0, with the witness base classifier and its independent re-check (NP-2).
public enum CounterexamplesSuite: VectorSuite {
    public static let name = "counterexamples"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var sigma2: String
        public var delta: [Int]
        public var pA: String
        public var pB: String
        public var closedFormRadius: Interval
        public var margin: Interval
        public var marginDecimal: String
        public var witness: ShiftWitness
        /// Direct enumeration of the noise PMF over the witness regions (clean and shifted input).
        public var cleanA: Interval
        public var cleanB: Interval
        public var shiftedA: Interval
        public var shiftedB: Interval
        public var witnessValid: Bool
    }

    public static func generate() throws -> Data {
        let grid = TheoremCheck.Grid(sigma2s: ["1/4", "1/2", "1", "3/2", "2", "9/4"].map(CertVectors.q), maxNorm2: 4,
                                     pAs: (0 ... 12).map { Rational(600 + 25 * $0, 1000) },
                                     pBs: ["0.001", "0.01", "0.02", "0.05", "0.07", "0.1", "0.15"].map(CertVectors.q))
        let report = try TheoremCheck.run(grid: grid, noises: [("discrete-gaussian", { try CertificationNoise.discreteGaussian(sigma2: $0) })])
        var cases: [Case] = []
        for c in report.twoClassCounterexamples {
            guard let w = c.witness else { continue }
            let analyzer = ShiftAnalyzer(noise: try CertificationNoise.discreteGaussian(sigma2: c.sigma2))
            guard let chk = w.check(noise: analyzer.enclosedLaw(bits: Precision.ladder[1].noiseBits), pA: c.pA, pB: c.pB) else { continue }
            cases.append(Case(id: cases.count + 1, result: .valid, sigma2: c.sigma2.description, delta: c.delta,
                              pA: c.pA.decimalString(digits: 3), pB: c.pB.decimalString(digits: 3), closedFormRadius: c.closedFormRadius,
                              margin: c.margin, marginDecimal: decimalText(c.margin), witness: w, cleanA: chk.cleanA,
                              cleanB: chk.cleanB, shiftedA: chk.shiftedA, shiftedB: chk.shiftedB, witnessValid: chk.valid))
        }
        let file = VectorFile<NoParameters, Case>(suite: name, version: version,
            description: "Counterexamples to the two-class closed form R = sigma/2 (PhiInv(pA) - PhiInv(pB)) under discrete Gaussian noise on the grid sigma2 in {1/4, 1/2, 1, 3/2, 2, 9/4}, |delta|^2 <= 4, pA in {0.600, 0.625, ..., 0.900}, pB in {0.001, 0.01, 0.02, 0.05, 0.07, 0.1, 0.15}: R > |delta| but worstA(pA) - bestB(pB) <= 0. The witness gives class A on <delta, z - x> < tauA (fraction thetaA of layer tauA), class B on > tauB (fraction thetaB of layer tauB), the rest to further classes; cleanA >= pA, cleanB <= pB and shiftedA <= shiftedB are re-derived by direct enumeration.",
            seed: nil, sources: CertVectors.sources,
            groups: [VectorGroup(description: "two-class form under N_Z", parameters: NoParameters(), cases: cases)])
        return try CertVectors.encode(file)
    }

    public static func conform(_ data: Data) throws -> [String] {
        let f = try VectorFile<NoParameters, Case>.decode(data, file: fileName)
        var problems: [String] = []
        if !f.allCases.contains(where: { $0.case.sigma2 == "1" && $0.case.delta == [1] && $0.case.pA == "0.700" && $0.case.pB == "0.070" }) {
            problems.append("the required counterexample sigma2 = 1, delta = (1), pA = 0.7, pB = 0.07 is missing")
        }
        for (_, c) in f.allCases where !(c.witnessValid && c.margin.hi.signum <= 0) {
            problems.append("case \(c.id): witness not valid or margin not <= 0")
        }
        return problems
    }
}
