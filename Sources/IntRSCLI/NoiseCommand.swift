import ArgumentParser
import Foundation
import IntRSConformance
import IntRSCore
import IntRSExact
import IntRSReference

/// `intrs noise`: the exact noise law: PMF enclosures, variance enclosure, and for CDT tables the
/// exact table law and its rigorous total-variation bound to the ideal law.
struct NoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise",
        abstract: "Show a noise law exactly: PMF enclosures over the support, variance, table TV bound.",
        discussion: """
        Values k are integers in grid units; sigma2 is in grid units squared. For the ideal law (--sampler exact) the PMF enclosures cover a window [-K, K] whose outside mass is at most 2^-precision (the tail bound is printed). With --sampler table the table law is exact (masses are multiples of 2^-bits) and the total-variation bound to the ideal law is a rigorous upper bound. Enclosures print as {"lo": "p/q", "hi": "p/q"} in --json.

        --sampler table --write-table FILE also writes the table in the intrs-noise-table format (Vectors/noise-table-format.md; canonical JSON, written atomically) for `intrs sample --sampler table --table FILE` and other runtimes.
        """)

    @Option(help: "Noise family: discrete-gaussian or rounded-gaussian.")
    var noise: NoiseFamily
    @Option(parsing: .unconditional, help: "Noise variance sigma2 in grid units squared: integer, p/q or exact decimal.")
    var sigma2: String
    @Option(help: "exact (the ideal law) or table (the law of a CDT table with --bits thresholds).")
    var sampler: SamplerKind = .exact
    @Option(name: .customLong("bits"), parsing: .unconditional, help: "Table threshold width b in bits (32, 64, 96 or 128; default 64; --sampler table only, refused with exact).")
    var bitsOption: Int?
    /// The table width used with --sampler table (default 64).
    var bits: Int { bitsOption ?? 64 }
    @Option(parsing: .unconditional, help: "Enclosure precision in bits (tail bound 2^-precision; 16 ... 256).")
    var precision: Int = 64
    @Option(help: "With --sampler table: also write the noise table file (intrs-noise-table JSON) to this path.")
    var writeTable: String?
    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (16...256).contains(precision) else { throw ValidationError("--precision \(precision): must be 16 ... 256") }
        if let b = bitsOption, sampler != .table {
            throw ValidationError("--bits \(b): only meaningful with --sampler table (the exact law has no table)")
        }
        if let path = writeTable, sampler != .table {
            throw ValidationError("--write-table \(path): needs --sampler table (only a table law has a table file)")
        }
        _ = try parseSigma2(sigma2)
    }

    struct Mass: Encodable { let k: Int; let mass: EnclosureJSON }
    struct TableMass: Encodable { let k: Int; let mass: String; let decimal: String }
    struct Output: Encodable {
        let noise: String, sigma2: String, sampler: String, precision: Int
        let window: [Int]
        let pmf: [Mass]
        let tailMassBound: String
        let variance: EnclosureJSON
        let table: TableOutput?
    }
    struct TableOutput: Encodable {
        let bits: Int, minValue: Int, maxValue: Int
        let masses: [TableMass]
        let variance: String
        let varianceDecimal: String
        let totalVariationBound: String
        let totalVariationBoundDecimal: String
        let memoryBytes: Int
    }

    func run() throws {
        let s2 = try parseSigma2(sigma2)
        let ideal: EnclosedLaw, variance: Interval
        do {
            switch noise {
            case .discreteGaussian:
                let law = try DiscreteGaussianLaw(sigma2: s2)
                ideal = law.enclosed(bits: precision)
                variance = law.variance(bits: precision)
            case .roundedGaussian:
                let law = try RoundedGaussianLaw(sigma2: s2)
                ideal = law.enclosed(bits: precision)
                variance = law.variance(bits: precision)
            }
        } catch { throw ValidationError("\(error)") }
        var tableOut: TableOutput? = nil
        if sampler == .table {
            let t: TableLaw
            do { t = try TableLaw(family: noise, sigma2: s2, bits: bits) } catch { throw ValidationError("\(error)") }
            if let path = writeTable {
                try NoiseTableFile.write(t.noiseTable, to: path)
                printError("wrote the \(bits)-bit noise table (\(t.thresholds.count + 1) values) to \(path)")
            }
            let tv = t.certificationTotalVariationBound  // the bound certificates charge (TableLaw.certificationPrecision)
            tableOut = TableOutput(
                bits: bits, minValue: t.minValue, maxValue: t.maxValue,
                masses: t.masses.enumerated().map { TableMass(k: t.minValue + $0.offset, mass: $0.element.description, decimal: $0.element.scientificString(significant: 12)) },
                variance: t.variance.description, varianceDecimal: t.variance.scientificString(significant: 12), totalVariationBound: tv.description,
                totalVariationBoundDecimal: tv.scientificString(significant: 6), memoryBytes: t.noiseTable.runtimeMemoryBytes)
        }
        let o = Output(noise: noise.rawValue, sigma2: s2.description, sampler: sampler.rawValue, precision: precision,
                       window: [ideal.support.lowerBound, ideal.support.upperBound - 1],
                       pmf: ideal.support.map { Mass(k: $0, mass: EnclosureJSON(ideal.mass(at: $0))) },
                       tailMassBound: ideal.tailMass.description, variance: EnclosureJSON(variance), table: tableOut)
        if json {
            FileHandle.standardOutput.write(try CanonicalJSON.encode(o))
            return
        }
        print("\(noise.rawValue), sigma2 = \(s2) (grid units squared), precision 2^-\(precision)")
        print("window [\(o.window[0]), \(o.window[1])]; mass outside <= \(ideal.tailMass.scientificString(significant: 4))")
        print("variance in [\(variance.lo.scientificString(significant: 15)), \(variance.hi.scientificString(significant: 15))]")
        if let t = tableOut {
            print("table: \(t.bits)-bit thresholds, support [\(t.minValue), \(t.maxValue)], \(t.memoryBytes) bytes")
            let tvar = Rational(t.variance)!
            print("table variance (exact) = \(tvar.description) ~ \(tvar.scientificString(significant: 15))")
            print("total-variation distance to the ideal law <= \(t.totalVariationBoundDecimal) (exact bound \(t.totalVariationBound))")
        }
        print("k\tP[k] lower\tP[k] upper" + (tableOut != nil ? "\ttable P[k]" : ""))
        let tableMasses = Dictionary(uniqueKeysWithValues: (tableOut?.masses ?? []).map { ($0.k, $0.decimal) })
        for m in o.pmf {
            print("\(m.k)\t\(m.mass.loDecimal)\t\(m.mass.hiDecimal)" + (tableOut != nil ? "\t\(tableMasses[m.k] ?? "0")" : ""))
        }
    }
}
