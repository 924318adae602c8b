import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

/// `noise-pmf` vectors: enclosures of the ideal noise PMF at selected k, the tail bound of the
/// enclosure window and the variance enclosure, for several sigma2. `conform` recomputes them at
/// a higher precision and checks that each fresh enclosure lies inside the recorded one.
public enum NoisePMFSuite: VectorSuite {
    public static let name = "noise-pmf"
    public static let version = 1

    public struct Parameters: Codable, Sendable {
        public var noise: NoiseFamily
        public var sigma2: String
        /// Precision in bits: masses outside the window total <= 2^-precision.
        public var precision: Int
        /// The window [-K, K].
        public var window: [Int]
        public var tailMassBound: String
        public var variance: Interval
    }

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var k: Int
        public var mass: Interval
    }

    typealias File = VectorFile<Parameters, Case>
    static let precision = 64
    static let sigma2s = ["1/100", "1/4", "1", "9/4", "4", "100", "65025/16"]

    static func ks(window k: Int) -> [Int] {
        Array(Set([0, 1, 2, 3, 5, 10, 30, 63, 64, 100, 255, 500, -1, -64, k, -k].filter { abs($0) <= k })).sorted()
    }

    public static func generate() throws -> Data {
        var groups: [VectorGroup<Parameters, Case>] = []
        var id = 1
        for s in sigma2s {
            for fam in NoiseTableSuite.families(for: s) {
                let (law, variance): (EnclosedLaw, Interval)
                switch fam {
                case .discreteGaussian:
                    let l = try DiscreteGaussianLaw(sigma2: Rational(s)!)
                    (law, variance) = (l.enclosed(bits: precision), l.variance(bits: precision))
                case .roundedGaussian:
                    let l = try RoundedGaussianLaw(sigma2: Rational(s)!)
                    (law, variance) = (l.enclosed(bits: precision), l.variance(bits: precision))
                }
                let k = law.support.upperBound - 1
                let cases = ks(window: k).map { kk -> Case in defer { id += 1 }; return Case(id: id, result: .valid, k: kk, mass: law.mass(at: kk)) }
                groups.append(VectorGroup(description: "\(fam.rawValue), sigma2 = \(s)",
                                          parameters: Parameters(noise: fam, sigma2: s, precision: precision, window: [-k, k],
                                                                 tailMassBound: law.tailMass.description, variance: variance),
                                          cases: cases))
            }
        }
        let f = File(suite: name, version: version,
                     description: "Enclosures of noise PMFs P[X = k] (dyadic endpoints), the bound on the mass outside the window [-K, K], and the variance enclosure. Discrete Gaussian: P[k] = exp(-k^2/(2 sigma2)) / Z with the rigorous tail bound of the normalising sum (Proofs: NOISE-5).",
                     seed: nil, sources: [], groups: groups)
        return try CanonicalJSON.encode(f)
    }

    public static func conform(_ data: Data) throws -> [String] {
        let f = try File.decode(data, file: fileName)
        var problems: [String] = []
        for g in f.groups {
            let p = g.parameters
            guard let s2 = Rational(p.sigma2) else { problems.append("group \(g.description): sigma2"); continue }
            let fresh: EnclosedLaw
            switch p.noise {
            case .discreteGaussian: fresh = try DiscreteGaussianLaw(sigma2: s2).enclosed(bits: p.precision + 16)
            case .roundedGaussian: fresh = try RoundedGaussianLaw(sigma2: s2).enclosed(bits: p.precision + 16)
            }
            for c in g.cases where !c.mass.contains(fresh.mass(at: c.k)) {
                problems.append("case \(c.id): recorded P[\(c.k)] \(c.mass) does not contain the fresh enclosure \(fresh.mass(at: c.k))")
            }
        }
        return problems
    }
}
