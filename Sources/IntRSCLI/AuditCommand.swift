import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRun

/// `intrs audit`: re-derives every certificate of a run record file with the exact reference.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Re-derive every certificate in a run's .jsonl (or check a Cohen-format TSV) with the exact reference.",
        discussion: """
        JSONL mode: for each line, re-derives the Clopper-Pearson lower bound from (nA, N, alpha), subtracts \
        d x the sampler's total-variation bound, and checks the claimed n* ("robust for every integer delta \
        with |delta|^2 < n*", grid units) against the radius analysis of the recorded noise law and radius \
        mode, with rigorous enclosures. It also checks that the line is internally consistent (counts, \
        candidate, prediction, correct, radius = sqrt(n*), real radius = radius x gridScale, stream ids) and, \
        for predict, re-decides the exact two-sided binomial test. Each unsound or inconsistent line is \
        reported with its line number and reason; a malformed line is reported and the others are still \
        checked. Exit status 1 if any line fails. Stream specification: the certificate is a function of the \
        counts, so it is re-derived whatever stream produced them; a record whose streamSpec is not this \
        build's (Vectors/stream-spec.md version \(StreamSpecification.version)), or a version 1 record that \
        does not say (no streamSpec field), gets a note (not a failure): its counts cannot be reproduced by \
        this build's samplers. A version 2 record without streamSpec is malformed.

        TSV mode (--cohen-tsv FILE --sigma S --n N --alpha A): Cohen et al.'s certify output (radius in the \
        units of S). Cohen's CERTIFY can only print the radii S x PhiInv(CP_lower(k, N, alpha)) for counts k \
        with CP_lower >= 1/2 (finitely many, increasing in k, at most S x PhiInv(alpha^(1/N))). Each answered \
        line's printed radius stands for an interval (how --radius-format rounds, widened by --slack for \
        floating-point error); the line is flagged "unachievable" when no count k gives a radius in it (the \
        message names the nearest counts and their radii) and "unreachable" when it lies above every \
        achievable radius. Decided exactly: the interval is mapped through Phi with outward-rounded \
        enclosures and compared with the exact Clopper-Pearson bounds (bisection on k). A line the \
        enclosures cannot decide is reported "undecided" and NOT flagged. Also checked: correct = (predict == \
        label), abstentions (predict -1) print radius 0. Malformed lines are reported with their line number \
        and do not stop the others. Exit status 1 if any line is flagged or malformed.
        """)

    @Argument(help: "A run's .jsonl file (omit with --cohen-tsv).")
    var file: String?
    @Option(help: "Cohen-format TSV to check instead (idx label predict radius correct time).")
    var cohenTsv: String?
    @Option(parsing: .unconditional, help: "TSV mode: sigma, in the TSV's radius units (real units for Cohen's data).")
    var sigma: String?
    @Option(name: .customLong("n"), parsing: .unconditional, help: "TSV mode: N, the estimation samples.")
    var n: Int?
    @Option(parsing: .unconditional, help: "TSV mode: alpha.")
    var alpha: String?
    @Option(help: "TSV mode: how the radius column was printed: cohen (Python \"{:.3}\", certify.py), python:P (\"{:.P}\") or floor:D (D decimals rounded down, intrs's own TSVs).")
    var radiusFormat: String = "cohen"
    @Option(parsing: .unconditional, help: "TSV mode: allowance for floating-point error in the producer's radius, relative: eps = slack x (radius + sigma), radius units.")
    var slack: String = "1e-9"
    @Option(parsing: .unconditional, help: "Enclosure precision in bits, 32 ... 1024 (JSONL mode: raised automatically up to 4x when undecided).")
    var bits: Int = 96
    @Option(parsing: .unconditional, help: "List at most this many findings, a count >= 0 (0 lists none); the rest are counted (the summary says how many were not shown) and still fail the audit.")
    var maxFindings: Int = 1000
    @Flag(help: "Print the findings as JSON.")
    var json = false

    typealias Report = RecordAudit.Report
    typealias Finding = RecordAudit.Finding
    typealias Bounds = RecordAudit.Bounds
    typealias NearestCount = RecordAudit.NearestCount

    /// The checks that read only the options (argument-parser runs this before `run`): one mode, and the
    /// options that mode needs.
    func validate() throws {
        guard maxFindings >= 0 else { throw ValidationError("--max-findings \(maxFindings): must be >= 0 (a number of findings to list; 0 lists none)") }
        // Both modes: below 32 bits no certificate is decided; a negative value trapped in the enclosures (JSONL mode).
        guard (32...1024).contains(bits) else { throw ValidationError("--bits \(bits): must be in 32...1024 (enclosure precision in bits)") }
        if cohenTsv != nil {
            if file != nil { throw ValidationError("give either a .jsonl FILE or --cohen-tsv, not both") }
            guard sigma != nil, n != nil, alpha != nil else {
                throw ValidationError("--cohen-tsv needs --sigma S --n N --alpha A")
            }
        } else if file == nil {
            throw ValidationError("give a run's .jsonl file, or --cohen-tsv FILE")
        }
    }

    func run() throws {
        let report: Report
        if let tsv = cohenTsv, let s = sigma, let n, let a = alpha {
            report = try auditTSV(tsv, sigmaText: s, n: n, alphaText: a)
        } else if let f = file {
            report = try auditJSONL(f)
        } else {
            throw ValidationError("give a run's .jsonl file, or --cohen-tsv FILE")   // refused by validate()
        }
        if json {
            print(String(decoding: try CanonicalJSON.encode(report), as: UTF8.self), terminator: "")
        } else {
            for f in report.findings {
                // The reader's messages already start with "file:line: "; print that once.
                let prefix = "\(report.file):\(f.line): "
                let reason = f.reason.hasPrefix(prefix) ? String(f.reason.dropFirst(prefix.count)) : f.reason
                print("\(report.file):\(f.line)\(f.index.map { " (example \($0))" } ?? ""): \(f.kind.uppercased()): \(reason)")
            }
            for n in report.notes { print("note: \(n)") }
            print("\(report.linesChecked) lines checked, \(report.failures) failed\(report.findingsNotShown > 0 ? " (\(report.findingsNotShown) findings not shown)" : "")")
        }
        if report.failures > 0 { throw ExitCode.failure }
    }

    /// JSONL mode: the library's audit (`RecordAudit`) with this command's --bits and --max-findings.
    func auditJSONL(_ path: String) throws -> Report {
        try RecordAudit(options: .init(bits: bits, maxFindings: maxFindings)).auditJSONL(path)
    }

    // MARK: Cohen TSV

    /// TSV mode: the library's achievability audit (`CohenTSVAudit`) with this command's options; a bad option
    /// value is a `ValidationError` naming it.
    func auditTSV(_ path: String, sigmaText: String, n: Int, alphaText: String) throws -> Report {
        let audit = try usageErrors {
            try CohenTSVAudit(sigma: sigmaText, n: n, alpha: alphaText, slack: slack, radiusFormat: radiusFormat,
                              bits: bits, maxFindings: maxFindings)
        }
        return try audit.audit(path)
    }
}
