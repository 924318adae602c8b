import Foundation
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

/// `noise-table` vectors: the CDT tables (Vectors/noise-table-format.md) that the reference builds
/// for (noise, sigma2, bits), with the exact table variance and the rigorous total-variation bound
/// to the ideal law. `conform` loads every table into the fast sampler and re-checks the law.
public enum NoiseTableSuite: VectorSuite {
    public static let name = "noise-table"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var table: NoiseTable
        public var maxValue: Int
        /// The exact variance of the table law, "p/q".
        public var variance: String
        /// Rigorous upper bound on TV(table law, ideal law), dyadic "p/q", and a decimal rendering.
        public var totalVariationBound: String
        public var totalVariationBoundDecimal: String
        /// Bytes the fast sampler uses for this table (<= 65536).
        public var runtimeMemoryBytes: Int
    }

    typealias File = VectorFile<NoParameters, Case>

    /// (sigma2, bits) of the tables in the file.
    public static let tables: [(String, Int)] = [("1/100", 64), ("1", 32), ("1", 64), ("4", 64), ("100", 64), ("65025/16", 64)]

    /// Families with a table in this file (rounded Gaussian once Phi is available).
    static func families(for sigma2: String) -> [NoiseFamily] {
        (try? RoundedGaussianLaw(sigma2: Rational(1))) != nil ? [.discreteGaussian, .roundedGaussian] : [.discreteGaussian]
    }

    public static func generate() throws -> Data {
        var cases: [Case] = []
        var id = 1
        for (s, b) in tables {
            for fam in families(for: s) {
                let law = try TableLaw(family: fam, sigma2: Rational(s)!, bits: b)
                let tv = law.totalVariationBound(bits: b + 24)
                cases.append(Case(id: id, result: .valid, table: law.noiseTable, maxValue: law.maxValue,
                                  variance: law.variance.description, totalVariationBound: tv.description,
                                  totalVariationBoundDecimal: tv.scientificString(significant: 6),
                                  runtimeMemoryBytes: law.noiseTable.runtimeMemoryBytes))
                id += 1
            }
        }
        let f = File(suite: name, version: version,
                     description: "CDT noise tables: thresholds T_k = floor(2^b F(k)) computed exactly (enclosures refined until every floor is decided), the exact variance of the table law, and a rigorous upper bound on its total-variation distance to the ideal law. Format: Vectors/noise-table-format.md; sampling: Vectors/stream-spec.md section 7.",
                     seed: nil, sources: [], groups: [VectorGroup(description: "tables", parameters: NoParameters(), cases: cases)])
        return try CanonicalJSON.encode(f)
    }

    public static func conform(_ data: Data) throws -> [String] {
        let f = try File.decode(data, file: fileName)
        var problems: [String] = []
        for (_, c) in f.allCases {
            do { _ = try FastTableSampler(table: c.table) } catch { problems.append("case \(c.id): fast sampler refuses the table: \(error)"); continue }
            if c.table.maxValue != c.maxValue { problems.append("case \(c.id): maxValue \(c.maxValue) but the table ends at \(c.table.maxValue)") }
            if c.table.runtimeMemoryBytes != c.runtimeMemoryBytes || c.runtimeMemoryBytes > NoiseTable.maxMemoryBytes {
                problems.append("case \(c.id): memory \(c.runtimeMemoryBytes) bytes")
            }
            let law = try TableLaw(table: c.table)
            if law.variance.description != c.variance { problems.append("case \(c.id): variance differs") }
        }
        return problems
    }
}
