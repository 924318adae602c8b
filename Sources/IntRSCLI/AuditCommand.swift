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
    @Option(parsing: .unconditional, help: "Enclosure precision in bits (JSONL mode: raised automatically up to 4x when undecided).")
    var bits: Int = 96
    @Option(help: "List at most this many findings (the rest are counted: the summary says how many were not shown).")
    var maxFindings: Int = 1000
    @Flag(help: "Print the findings as JSON.")
    var json = false

    typealias Report = RecordAudit.Report
    typealias Finding = RecordAudit.Finding
    typealias Bounds = RecordAudit.Bounds
    typealias NearestCount = RecordAudit.NearestCount

    func run() throws {
        guard maxFindings >= 0 else { throw ValidationError("--max-findings \(maxFindings): must be >= 0") }
        let report: Report
        if let tsv = cohenTsv {
            if file != nil { throw ValidationError("give either a .jsonl FILE or --cohen-tsv, not both") }
            guard let s = sigma, let n, let a = alpha else {
                throw ValidationError("--cohen-tsv needs --sigma S --n N --alpha A")
            }
            report = try auditTSV(tsv, sigmaText: s, n: n, alphaText: a)
        } else {
            guard let f = file else { throw ValidationError("give a run's .jsonl file, or --cohen-tsv FILE") }
            report = try auditJSONL(f)
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

    /// Most distinct printed radii (and nearest counts) whose verdicts `--cohen-tsv` keeps: memory stays bounded
    /// on files with many distinct radii (the others are decided again when they recur).
    static let tsvCacheLimit = 1 << 16

    func auditTSV(_ path: String, sigmaText: String, n: Int, alphaText: String) throws -> Report {
        let sigma: Rational, alpha: Rational, slack: Rational
        do { sigma = try Rational(parsing: sigmaText) } catch { throw ValidationError("--sigma \"\(sigmaText)\": not an exact decimal or rational") }
        do { alpha = try Rational(parsing: alphaText) } catch { throw ValidationError("--alpha \"\(alphaText)\": not an exact decimal or rational") }
        do { slack = try Rational(parsing: self.slack) } catch { throw ValidationError("--slack \"\(self.slack)\": not an exact decimal or rational") }
        guard sigma > Rational(0) else { throw ValidationError("--sigma \(sigmaText): must be > 0") }
        guard alpha > Rational(0), alpha < Rational(1) else { throw ValidationError("--alpha \(alphaText): must be in (0, 1)") }
        guard n >= 1 else { throw ValidationError("--n \(n): must be >= 1") }
        guard slack >= Rational(0), slack < Rational(1, 1000) else { throw ValidationError("--slack \(self.slack): must be in [0, 0.001)") }
        guard let format = PrintedRadiusFormat.parse(radiusFormat) else {
            throw ValidationError("--radius-format \"\(radiusFormat)\": expected cohen, python:P (1 <= P <= 17) or floor:D (0 <= D <= 17)")
        }
        guard (32...1024).contains(bits) else { throw ValidationError("--bits \(bits): must be in 32...1024") }
        let engine = CohenAchievability(sigma: sigma, n: n, alpha: alpha, bits: bits, slack: slack)
        let rmax = try engine.radius(n)!
        var verdicts: [String: CohenAchievability.Verdict] = [:]
        var findings: [Finding] = []
        var failures = 0, findingsNotShown = 0      // listed up to --max-findings, every line counted
        var checked = 0, justified = 0, undecided = 0
        var radii: [Int: NearestCount] = [:]
        func nearest(_ k: Int) throws -> NearestCount {
            if let c = radii[k] { return c }
            let c = NearestCount(k: k, radius: try engine.radius(k).map { Bounds($0.lo, $0.hi) })
            if radii.count < Self.tsvCacheLimit { radii[k] = c }
            return c
        }
        func show(_ k: Int) throws -> String {
            guard let r = try engine.radius(k) else { return "k = \(k) abstains (p_L < 1/2)" }
            return "k = \(k) gives \(r.lo.decimalString(digits: 6))"
        }
        var distinctRadiiOverflow = false
        // Streamed in chunks (RunRecordReader.forEachLine): memory is bounded whatever the file's length (the
        // findings by --max-findings, the caches by tsvCacheLimit); a line longer than maxLineBytes is reported.
        try RunRecordReader.forEachLine(path) { lineNo, raw in
            var lineFailed = false
            func bad(_ kind: String, _ index: Int?, _ reason: String, printed: Bounds? = nil, nearest: [NearestCount]? = nil) {
                if kind != "undecided" && !lineFailed { lineFailed = true; failures += 1 }
                if findings.count < maxFindings {
                    findings.append(Finding(line: lineNo, index: index, kind: kind, reason: reason, printed: printed, nearest: nearest))
                } else { findingsNotShown += 1 }
            }
            guard let raw else {
                checked += 1
                bad("malformed", nil, "line longer than \(RunRecordReader.maxLineBytes) bytes: not a Cohen certify line")
                return
            }
            let t = raw.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return }
            let cols = t.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if lineNo == 1 && cols.first == "idx" { return }
            checked += 1
            guard cols.count == 6 else {
                bad("malformed", nil, "expected 6 tab-separated columns (idx label predict radius correct time), got \(cols.count)")
                return
            }
            guard let idx = Int(cols[0]), let label = Int(cols[1]), let pred = Int(cols[2]), let correct = Int(cols[4]) else {
                bad("malformed", nil, "idx, label, predict and correct must be integers: \(PrintedValue.abbreviated(cols.prefix(5).joined(separator: " | ")))")
                return
            }
            guard let printed = format.interval(of: cols[3]) else {
                bad("malformed", idx, "radius \"\(PrintedValue.abbreviated(cols[3]))\" is not a non-negative number as \(format) prints it (--radius-format \(radiusFormat); intrs's own TSVs need --radius-format floor:6)")
                return
            }
            if correct != ((pred == label && pred != -1) ? 1 : 0) {
                bad("inconsistent", idx, "correct = \(correct) but predict = \(pred), label = \(label)")
            }
            if pred == -1 {
                if !printed.value.isZero { bad("inconsistent", idx, "abstains (predict -1) with radius \(PrintedValue.abbreviated(cols[3])) > 0") }
                return
            }
            if pred < -1 { bad("inconsistent", idx, "predict \(pred) is neither a class nor -1 (abstain)") }
            let v: CohenAchievability.Verdict
            if let c = verdicts[cols[3]] { v = c } else {
                v = try engine.verdict(lo: printed.lo, hi: printed.hi)
                // Keys are the printed text: only short ones are kept (a radius can be a line's whole length).
                if verdicts.count < Self.tsvCacheLimit && cols[3].utf8.count <= 64 { verdicts[cols[3]] = v } else { distinctRadiiOverflow = true }
            }
            let stands = "\(PrintedValue.abbreviated(cols[3])) stands for [\(printed.lo.decimalString(digits: 8)), \(printed.hi.decimalString(digits: 8))]"
            let iv = Bounds(printed.lo, printed.hi)
            switch v {
            case .justified: justified += 1
            case .undecided(let k):
                undecided += 1
                bad("undecided", idx, "radius \(stands); the enclosures cannot separate \(try show(k)) from its ends at \(bits) bits (not flagged)",
                    printed: iv, nearest: [try nearest(k)])
            case .unreachable:
                bad("unreachable", idx, "radius \(stands), above the largest achievable radius sigma x PhiInv(alpha^(1/N)) = \(rmax.lo.decimalString(digits: 9)) (k = N = \(n)): no count justifies it at alpha = \(alphaText)",
                    printed: iv, nearest: [try nearest(n)])
            case .unachievable(let k):
                bad("unachievable", idx, "radius \(stands), but no count k out of N = \(n) gives sigma x PhiInv(CP_lower(k)) there: the nearest are \(k > 0 ? try show(k - 1) + " (below) and " : "")\(try show(k)) (above)",
                    printed: iv, nearest: try (k > 0 ? [k - 1, k] : [k]).map(nearest))
            }
        }
        guard checked > 0 else { throw CLIError("\(path): no data lines (empty, or only the header): nothing to audit") }
        // intrs's own int8 TSV (certify.tsv) prints sqrt(n*) x gridScale, an integer-perturbation radius, which is
        // not Cohen's continuous sigma x PhiInv(CP_lower): those lines are expected to be flagged (issue 16).
        let int8Hint = findings.contains { $0.kind == "unachievable" || $0.kind == "unreachable" }
            ? ["if this is intrs certify's int8 TSV (certify.tsv, not certify-float.tsv): its radii are sqrt(n*) x gridScale for integer perturbations, not Cohen's continuous sigma x PhiInv(CP_lower(k)), so --cohen-tsv flags them; audit the run's JSONL instead (intrs audit \(URL(fileURLWithPath: path).deletingPathExtension().path).jsonl), which re-derives every integer certificate"]
            : []
        return Report(file: path, linesChecked: checked, failures: failures, findings: findings, notes: (findingsNotShown > 0 ? [
            "\(findingsNotShown) more findings not shown (the first \(maxFindings) are; --max-findings raises the cap); every line was checked and counted",
        ] : []) + [
            "largest achievable radius sigma x PhiInv(alpha^(1/N)) enclosed in {\"lo\": \"\(rmax.lo)\", \"hi\": \"\(rmax.hi)\"} (about \(rmax.hi.decimalString(digits: 6)))",
            "achievability (radius = sigma x PhiInv(CP_lower(k, N, alpha)) for some count k, printed as \(format), slack \(self.slack) x (radius + sigma)): \(justified) answered lines justified by a count, \(undecided) undecided (not flagged), \(distinctRadiiOverflow ? "more than \(verdicts.count)" : "\(verdicts.count)") distinct radii, \(engine.tailDecisions) exact tail decisions",
        ] + int8Hint, findingsNotShown: findingsNotShown)
    }
}
