import Foundation

/// A certificate table: integer count thresholds that turn CERTIFY's estimation count nA into a
/// certified squared radius with integer comparisons only (no floating point, no GMP).
///
/// **The certificate.** For a run with exactly `configuration.estimationSamples` (N) estimation samples
/// at level `configuration.alpha`, with the noise, sampler and dimension of `configuration`:
/// let `j` be the last index with `steps[j].minCount <= nA`. If there is none, CERTIFY abstains.
/// Otherwise, with probability at least 1 - alpha over the estimation samples, the smoothed classifier
/// returns the selected class at every `x + delta` with `delta` an integer vector (grid units, at most
/// `dimension` coordinates) and `|delta|^2 < steps[j].norm2Bound`. `norm2Bound == 1` certifies the
/// prediction only (delta = 0). How the thresholds were derived (and on which theorem the closed-form
/// mode rests) is in `basis`; Proofs: TAB-1 (Proofs/certificate-tables.md) proves soundness.
///
/// **Format.** JSON (CanonicalJSON), format "intrs-certificate-table", version 1, documented in
/// Vectors/certificate-table.md with the JSON Schema Vectors/certificate-table.v1.schema.json.
/// `steps` is sorted with `minCount` strictly increasing and `norm2Bound` strictly increasing.
public struct CertificateTable: Codable, Sendable, Equatable {
    public var format: String
    public var version: Int
    public var configuration: CertificateConfiguration
    public var steps: [CertificateStep]
    /// A plain-language statement of what a lookup certifies, and on which theorems it rests.
    public var basis: String
    /// The generating command and IntRS version.
    public var generator: String

    public init(configuration: CertificateConfiguration, steps: [CertificateStep], basis: String, generator: String) {
        self.format = CertificateTable.formatName
        self.version = 1
        self.configuration = configuration
        self.steps = steps
        self.basis = basis
        self.generator = generator
    }

    public static let formatName = "intrs-certificate-table"

    /// Structural checks (sortedness, ranges). Returns problems naming the field; empty = well-formed.
    public func problems() -> [String] {
        var out: [String] = []
        if format != CertificateTable.formatName { out.append("field format is \"\(format)\", expected \"\(CertificateTable.formatName)\"") }
        if version != 1 { out.append("field version is \(version), expected 1") }
        let n = configuration.estimationSamples
        if n < 1 { out.append("field configuration.estimationSamples is \(n), must be >= 1") }
        if configuration.dimension < 1 { out.append("field configuration.dimension is \(configuration.dimension), must be >= 1") }
        for (i, s) in steps.enumerated() {
            if s.minCount < 0 || s.minCount > n { out.append("field steps[\(i)].minCount is \(s.minCount), outside [0, \(n)]") }
            if s.norm2Bound < 1 { out.append("field steps[\(i)].norm2Bound is \(s.norm2Bound), must be >= 1") }
            if i > 0 && !(s.minCount > steps[i - 1].minCount && s.norm2Bound > steps[i - 1].norm2Bound) {
                out.append("field steps[\(i)]: minCount and norm2Bound must both increase strictly")
            }
        }
        return out
    }

    /// Decodes and checks a table; errors name the file and field.
    public static func load(from url: URL) throws -> CertificateTable {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CertificateTableError(file: url.path, detail: "cannot read: \(fileReadFailureReason(path: url.path, error))")
        }
        let t: CertificateTable
        do { t = try JSONDecoder().decode(CertificateTable.self, from: data) } catch {
            throw CertificateTableError(file: url.path, detail: "malformed: \(error)")
        }
        if let p = t.problems().first { throw CertificateTableError(file: url.path, detail: p) }
        return t
    }
}

public struct CertificateTableError: Error, CustomStringConvertible {
    public var file: String
    public var detail: String
    public var description: String { "\(file): certificate table: \(detail)" }
}

/// One step of a certificate table: counts `nA >= minCount` certify `|delta|^2 < norm2Bound`.
public struct CertificateStep: Codable, Sendable, Equatable {
    public var minCount: Int
    public var norm2Bound: Int
    public init(minCount: Int, norm2Bound: Int) { self.minCount = minCount; self.norm2Bound = norm2Bound }
}

/// The run configuration a table was computed for. Rationals are exact "p/q" strings.
public struct CertificateConfiguration: Codable, Sendable, Equatable {
    /// "discrete-gaussian" or "rounded-gaussian".
    public var noise: String
    /// Noise variance parameter, grid units squared, exact "p/q".
    public var sigma2: String
    /// "exact" (the analysed law is sampled exactly) or "table" (a CDT table law).
    public var sampler: String
    /// The per-coordinate total-variation bound eta between the sampled and the analysed law ("0" for
    /// exact samplers); the certificate uses pA - d * eta.
    public var eta: String
    /// Table bits of the sampler (nil for exact samplers).
    public var samplerBits: Int?
    /// d: the number of input coordinates the noise is added to.
    public var dimension: Int
    /// N: the number of estimation samples.
    public var estimationSamples: Int
    /// alpha of the one-sided Clopper–Pearson lower bound, exact "p/q".
    public var alpha: String
    /// "binary" (Cohen's CERTIFY: pB := 1 - pA_lower). The two-class form with pB := 1 - pA_lower has the
    /// same thresholds; a genuine two-class table (with a separate nB bound) is not offered.
    public var form: String
    /// "closed-form" (R = sigma * PhiInv(pA)) or "tight" (exact Neyman–Pearson tight radius, NP-1).
    public var mode: String

    public init(noise: String, sigma2: String, sampler: String, eta: String, samplerBits: Int?, dimension: Int,
                estimationSamples: Int, alpha: String, form: String, mode: String) {
        self.noise = noise; self.sigma2 = sigma2; self.sampler = sampler; self.eta = eta
        self.samplerBits = samplerBits; self.dimension = dimension; self.estimationSamples = estimationSamples
        self.alpha = alpha; self.form = form; self.mode = mode
    }
}
