import ArgumentParser
import Foundation
import IntRSCore
import IntRSRun
import IntRSExact
import IntRSReference

/// `--form` and `--mode` are typed: argument-parser lists their values in `--help` and refuses any other value
/// (exit 64, naming the option, the value and the values allowed) before `validate()`.
extension CertificateTableBuilder.Form: ExpressibleByArgument {}
extension CertificateTableBuilder.Mode: ExpressibleByArgument {}

struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Build a certificate table: integer count thresholds for integer-only CERTIFY.",
        discussion: """
        For a run configuration (noise law, sigma2 in grid units squared, sampler, d, N estimation samples, alpha, form, mode) computes the steps (minCount, norm2Bound): a count nA >= minCount certifies, with probability >= 1 - alpha, every integer delta (grid steps, at most d nonzero entries) with |delta|^2 < norm2Bound. No count below the first minCount certifies (abstain). Format: see Vectors/certificate-table.md.

        --mode tight (discrete Gaussian) is the proven exact certificate; --mode closed-form uses R = sigma * PhiInv(pA), sound for rounded-Gaussian noise (CF-3) and for the discrete Gaussian (CF-2, Proofs/CF-2.md). Rounded-Gaussian noise needs --sampler table (there is no exact rounded-Gaussian sampler); with --mode tight it falls back to the closed form (said on stderr and in the table's basis).

        --sampler table subtracts d * eta (the CDT table's TV bound) from pA.

        Tight mode enumerates every shift pattern up to a norm limit L, doubling L until the threshold reaches the best count; progress (pass, L, patterns, current pattern) goes to stderr about once per second. The Rényi floor (REN-1) is not used by tables: it never lowers a tight threshold.
        """)

    @Option(help: "Noise law: discrete-gaussian (N_Z) or rounded-gaussian (round(N(0, sigma2))).") var noise: NoiseFamily = .discreteGaussian
    @Option(parsing: .unconditional, help: "Noise variance parameter sigma2 (grid units squared), exact rational, > 0.") var sigma2: String
    @Option(help: "Sampler the run uses: exact (CKS, discrete-gaussian only; no total-variation term) or table (CDT table with --table-bits thresholds; its d * eta is charged).") var sampler: SamplerKind = .exact
    @Option(name: .customLong("table-bits"), parsing: .unconditional, help: "CDT table bits for --sampler table: the precision of the sampler's thresholds, which sets its total-variation charge eta (default 32 here; certify and predict default to 64, so pass 64 to build their table).") var tableBits: Int = 32
    @Option(parsing: .unconditional, help: "Input dimension d (number of noisy coordinates), >= 1.") var dimension: Int
    @Option(name: .customLong("n"), parsing: .unconditional, help: "N, the number of estimation samples, 1...10^7.") var n: Int
    @Option(parsing: .unconditional, help: "alpha of the one-sided Clopper–Pearson bound, in (0, 1).") var alpha: String = "0.001"
    @Option(help: "Radius form: binary or two-class (with pB := 1 - pA both give the same thresholds).") var form: CertificateTableBuilder.Form = .binary
    @Option(help: "tight (exact Neyman–Pearson over integer shift patterns; discrete-gaussian) or closed-form (R = sigma * PhiInv(pA)).") var mode: CertificateTableBuilder.Mode = .tight
    @Option(name: .customLong("max-norm2"), parsing: .unconditional, help: "Cap the norms the table covers at this |delta|^2 (grid units squared, >= 1; default: no cap). Tight mode enumerates every shift pattern up to the cap, and their number grows fast (about 2.5e4 patterns up to 100, 1.8e6 up to 232), so large sigma2 needs one; a capped table is sound (no count certifies beyond the cap) and says so in its basis.") var maxNorm2: Int?
    @Option(help: "Write the table (canonical JSON) to this file.") var output: String?
    @Flag(help: "Print the table as JSON on stdout.") var json = false

    /// The checks that read only the options (argument-parser runs this before `run`).
    func validate() throws {
        _ = try CertArgs.sigma2(sigma2)
        _ = try CertArgs.probability(alpha, option: "--alpha")
        guard dimension >= 1 else { throw ValidationError("--dimension \(dimension): must be >= 1") }
        guard n >= 1 && n <= 10_000_000 else { throw ValidationError("--n \(n): must be in 1...10000000") }
        if let maxNorm2, maxNorm2 < 1 || maxNorm2 > CertificateTableBuilder.defaultMaxNorm2 {
            throw ValidationError("--max-norm2 \(maxNorm2): must be in 1...\(CertificateTableBuilder.defaultMaxNorm2) (grid units squared)")
        }
        if noise == .roundedGaussian && sampler == .exact {
            throw ValidationError("--noise rounded-gaussian --sampler exact: there is no exact rounded-Gaussian sampler (intrs sample refuses it); use --sampler table")
        }
    }

    func run() throws {
        // Validated in `validate()`: these parse.
        let family = noise, f = form, m = mode
        let s2 = try CertArgs.sigma2(sigma2)
        let a = try CertArgs.probability(alpha, option: "--alpha")
        if let output { try CertArgs.checkWritable(output, option: "--output") }
        if family == .roundedGaussian && m == .tight {
            FileHandle.standardError.write(Data("table: --mode tight is not computed for rounded-Gaussian noise; the closed form (exactly sound by the post-processing lemma) is used instead; see \"basis\" in the table\n".utf8))
        }
        var eta = Rational(0)
        var bitsUsed: Int? = nil
        switch sampler {
        case .exact: break
        case .table:
            do { eta = try TableLaw(family: family, sigma2: s2, bits: tableBits).certificationTotalVariationBound } catch {
                throw ValidationError("--table-bits \(tableBits): \(error)")
            }
            bitsUsed = tableBits
        }
        let spec = CertificateTableBuilder.Spec(noise: try CertificationNoise.family(family, sigma2: s2), noiseName: family.rawValue,
                                                sampler: sampler.rawValue, eta: eta, samplerBits: bitsUsed, dimension: dimension,
                                                estimationSamples: n, alpha: a, form: f, mode: m)
        let start = Date()
        let progress = TableBuildProgress(prefix: "table: building") { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let table = try CertificateTableBuilder.build(
            spec: spec,
            lowerBound: { k in progress.bound(); return try ClopperPearson.lowerBound(successes: k, trials: n, alpha: a) },
            phiUpper: { CertificateTableBuilder.phiOfSqrtUpper($0) }, generator: "intrs table \(IntRSVersion.string)",
            maxNorm2: maxNorm2 ?? CertificateTableBuilder.defaultMaxNorm2, progress: progress.pattern)
        let seconds = Date().timeIntervalSince(start)
        let data = try CanonicalJSON.encode(table)
        if let output {
            do { try data.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw ValidationError("--output \(output): cannot write: \(fileWriteFailureReason(path: output, error)) (no table file was written)")
            }
        }
        if json { FileHandle.standardOutput.write(data); return }
        print("certificate table: \(family.rawValue), sigma2 = \(s2), sampler \(sampler.rawValue)\(eta.isZero ? "" : " (eta = \(eta.scientificString()))"), d = \(dimension), N = \(n), alpha = \(a), \(f.rawValue), \(m.rawValue)")
        if let first = table.steps.first, let last = table.steps.last {
            print("  \(table.steps.count) steps; abstain below nA = \(first.minCount); nA = N certifies |delta|^2 < \(last.norm2Bound)"
                  + (table.basis.contains("Truncated:") ? " (capped by --max-norm2 \(maxNorm2 ?? 0); see basis)" : ""))
        } else {
            print("  no count certifies anything (every nA abstains)")
        }
        print("  built in \(String(format: "%.2f", seconds)) s" + (output.map { "; written to \($0)" } ?? ""))
        print("  \(table.basis)")
    }
}
