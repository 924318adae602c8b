import Foundation
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

/// `certificate-tables`: small certificate tables with the reference answer for every count; `conform` runs
/// the integer-only runtime lookup (IntRSRuntime) on every count (TAB-2).
public enum CertificateTablesSuite: VectorSuite {
    public static let name = "certificate-tables"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var table: CertificateTable
        /// referenceLookup for nA = 0, 1, ..., N (nil = abstain).
        public var expectedNorm2Bound: [Int?]
    }

    struct Config { var noise: String; var sigma2: String; var sampler: String; var bits: Int?; var d: Int; var n: Int; var mode: CertificateTableBuilder.Mode }

    public static func generate() throws -> Data {
        let configs = [
            Config(noise: "discrete-gaussian", sigma2: "1", sampler: "exact", bits: nil, d: 1, n: 100, mode: .tight),
            Config(noise: "discrete-gaussian", sigma2: "4", sampler: "exact", bits: nil, d: 64, n: 200, mode: .tight),
            Config(noise: "discrete-gaussian", sigma2: "4", sampler: "exact", bits: nil, d: 64, n: 200, mode: .closedForm),
            Config(noise: "rounded-gaussian", sigma2: "4", sampler: "exact", bits: nil, d: 64, n: 200, mode: .closedForm),
            Config(noise: "discrete-gaussian", sigma2: "4", sampler: "table", bits: 32, d: 64, n: 200, mode: .tight),
        ]
        let alpha = Rational(1, 1000)
        var cases: [Case] = []
        for c in configs {
            let s2 = CertVectors.q(c.sigma2)
            let eta = try c.bits.map { try TableLaw(family: NoiseFamily(rawValue: c.noise)!, sigma2: s2, bits: $0).certificationTotalVariationBound } ?? Rational(0)
            let spec = CertificateTableBuilder.Spec(noise: try CertVectors.noise(c.noise, s2), noiseName: c.noise, sampler: c.sampler,
                                                    eta: eta, samplerBits: c.bits, dimension: c.d, estimationSamples: c.n,
                                                    alpha: alpha, form: .binary, mode: c.mode)
            let table = try CertificateTableBuilder.build(spec: spec, alpha: alpha, generator: "intrs vectors generate \(IntRSVersion.string)")
            let ms = try CertificateTableBuilder.thresholds(spec: spec, alpha: alpha)
            var expected: [Int?] = []
            for k in 0 ... c.n {
                let cp = try ClopperPearson.lowerBound(successes: k, trials: c.n, alpha: alpha)
                expected.append(CertificateTableBuilder.referenceLookup(thresholds: ms, dimension: c.d, eta: eta, lowerBound: cp))
            }
            cases.append(Case(id: cases.count + 1, result: .valid, table: table, expectedNorm2Bound: expected))
        }
        let file = VectorFile<NoParameters, Case>(suite: name, version: version,
            description: "Certificate tables (format Vectors/certificate-table.md) for small N, alpha = 1/1000, with the reference certified |delta|^2 bound for every count nA = 0..N (null = abstain): nA certifies every integer delta with |delta|^2 < expectedNorm2Bound[nA]. conform runs the runtime lookup CertificateTable.certifiedNorm2Bound(nA:) on every count.",
            seed: nil, sources: CertVectors.sources,
            groups: [VectorGroup(description: "tables", parameters: NoParameters(), cases: cases)])
        return try CertVectors.encode(file)
    }

    public static func conform(_ data: Data) throws -> [String] {
        let f = try VectorFile<NoParameters, Case>.decode(data, file: fileName)
        var problems: [String] = []
        for (_, c) in f.allCases {
            if let p = c.table.problems().first { problems.append("case \(c.id): table: \(p)"); continue }
            for (nA, want) in c.expectedNorm2Bound.enumerated() where c.table.certifiedNorm2Bound(nA: nA) != want {
                problems.append("case \(c.id): nA = \(nA): runtime lookup \(String(describing: c.table.certifiedNorm2Bound(nA: nA))) but reference \(String(describing: want))")
                break
            }
        }
        return problems
    }
}
