import Foundation
import IntRSExact
import IntRSReference

/// `np-margins`: exact Neyman–Pearson margins for integer shifts under discrete Gaussian noise (NP-1, NP-4).
public enum NPMarginsSuite: VectorSuite {
    public static let name = "np-margins"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var sigma2: String
        public var delta: [Int]
        public var pA: String
        /// nil: binary form (margin = worstA(pA) - 1/2).
        public var pB: String?
        public var worstA: Interval
        public var bestB: Interval
        public var margin: Interval
        public var marginDecimal: String
        /// certified (margin > 0), not-certified (margin <= 0) or undecided.
        public var decision: String
        /// midCDF_T(|delta|^2) enclosure (binary cases): certified iff pA > midCDF (NP-3).
        public var midCDF: Interval?
        public var noiseBits: Int
        public var fractionBits: Int
    }
    public struct Parameters: Codable, Sendable { public var noise: String; public var sigma2: String }

    public static func generate() throws -> Data {
        var id = 0
        var groups: [VectorGroup<Parameters, Case>] = []
        let deltas: [[Int]] = [[1], [2], [1, 1], [2, 1], [1, 1, 1], [3], [2, 2], [1, -1, 1, 1]]
        let pairs: [(String, String?)] = [("0.6", nil), ("0.7", nil), ("0.9", nil), ("0.99", nil),
                                          ("0.7", "0.07"), ("0.6", "0.3"), ("0.9", "0.05"), ("0.99", "0.005")]
        for s in ["1/4", "1", "9/4", "4", "16"] {
            let s2 = CertVectors.q(s)
            let analyzer = ShiftAnalyzer(noise: try CertVectors.noise("discrete-gaussian", s2))
            var cases: [Case] = []
            for d in deltas {
                for (a, b) in pairs {
                    let r = analyzer.analyse(delta: d, pA: CertVectors.q(a), pB: b.map(CertVectors.q))
                    let mid = b == nil ? analyzer.midCDF(d, precision: r.precision) : nil
                    id += 1
                    cases.append(Case(id: id, result: .valid, sigma2: s, delta: d, pA: a, pB: b, worstA: r.worstA, bestB: r.bestB,
                                      margin: r.margin, marginDecimal: decimalText(r.margin), decision: r.decision.rawValue,
                                      midCDF: mid, noiseBits: r.precision.noiseBits, fractionBits: r.precision.fractionBits))
                }
            }
            groups.append(VectorGroup(description: "N_Z(0, \(s))", parameters: Parameters(noise: "discrete-gaussian", sigma2: s), cases: cases))
        }
        let file = VectorFile(suite: name, version: version,
            description: "Exact Neyman-Pearson worst case for integer shifts delta under i.i.d. discrete Gaussian noise: worstA(pA), bestB(pB) = 1 - worstA(1 - pB) and the margin worstA - bestB (binary form: worstA - 1/2), each an enclosure with dyadic endpoints; the decision is taken only when the enclosure decides the sign. Another implementation must produce enclosures that intersect these and the same decided signs.",
            seed: nil, sources: CertVectors.sources, groups: groups)
        return try CertVectors.encode(file)
    }
}
