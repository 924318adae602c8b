import Foundation
import IntRSExact
import IntRSReference

/// `tight-radius`: n*, the least |delta|^2 of a non-certified integer shift with at most d nonzero entries (ENUM-1).
public enum TightRadiusSuite: VectorSuite {
    public static let name = "tight-radius"
    public static let version = 2

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var sigma2: String
        public var pA: String
        public var pB: String?
        public var dimension: Int
        public var maxNorm2: Int
        /// nil: every pattern with |delta|^2 <= maxNorm2 is certified.
        public var nStar: Int?
        public var witnessPattern: [Int]?
        public var witnessMargin: Interval?
        /// The Rényi floor n_R (REN-1): every integer delta (any d) with |delta|^2 <= renyiFloor is certified.
        public var renyiFloor: Int
        public var statement: String
    }

    public static func generate() throws -> Data {
        var cases: [Case] = []
        for s in ["1/2", "1", "4"] {
            let analyzer = ShiftAnalyzer(noise: try CertVectors.noise("discrete-gaussian", CertVectors.q(s)))
            for (a, b) in [("0.9", nil), ("0.99", nil), ("0.999", nil), ("0.9", "0.05")] as [(String, String?)] {
                for d in [1, 2, 3, 100] {
                    let r = TightRadius.search(analyzer: analyzer, pA: CertVectors.q(a), pB: b.map(CertVectors.q), dimension: d, maxNorm2: 64)
                    cases.append(Case(id: cases.count + 1, result: .valid, sigma2: s, pA: a, pB: b, dimension: d, maxNorm2: 64,
                                      nStar: r.nStar, witnessPattern: r.witnessPattern, witnessMargin: r.witnessAnalysis?.margin,
                                      renyiFloor: r.renyiFloor, statement: r.statement))
                }
            }
        }
        // Larger sigma2, where the lattice collapse (COL-1) certifies whole classes and proves the witness class.
        for (s, a, b, d) in [("256", "0.6859", nil, 1000), ("1024", "0.5956", nil, 64), ("256", "0.6", "0.3", 1000),
                             ("65025/16", "0.548", nil, 1000)] as [(String, String, String?, Int)] {
            let analyzer = ShiftAnalyzer(noise: try CertVectors.noise("discrete-gaussian", CertVectors.q(s)))
            let r = TightRadius.search(analyzer: analyzer, pA: CertVectors.q(a), pB: b.map(CertVectors.q), dimension: d, maxNorm2: 64)
            cases.append(Case(id: cases.count + 1, result: .valid, sigma2: s, pA: a, pB: b, dimension: d, maxNorm2: 64,
                              nStar: r.nStar, witnessPattern: r.witnessPattern, witnessMargin: r.witnessAnalysis?.margin,
                              renyiFloor: r.renyiFloor, statement: r.statement))
        }
        let file = VectorFile<NoParameters, Case>(suite: name, version: version,
            description: "Tight radius under discrete Gaussian noise: n* is the least |delta|^2 over integer delta with at most d nonzero entries whose exact Neyman-Pearson margin is not proven > 0 (binary form when pB is absent); the certificate is 'robust for every integer delta with |delta|^2 < n*'. witnessPattern is the multiset of nonzero |delta_i| of one such delta, with its exact margin enclosure: the single part (m) when n* = m^2 and (m) is not certified; otherwise, when the lattice collapse (Proofs/COL-1.md) proves some class (gcd g, |delta/g|^2 = n*/g^2) non-certified, the pattern with the fewest parts over all such classes (ties: the smallest g, then first in the search's order); otherwise the first non-certified pattern in the search's enumeration order (nonincreasing parts, lexicographically increasing). renyiFloor is n_R (Proofs/REN-1.md): every integer delta of any dimension with |delta|^2 <= n_R is certified by the Rényi-divergence bound alone; the search skips decisions up to it.",
            seed: nil, sources: CertVectors.sources,
            groups: [VectorGroup(description: "discrete Gaussian", parameters: NoParameters(), cases: cases)])
        return try CertVectors.encode(file)
    }
}
