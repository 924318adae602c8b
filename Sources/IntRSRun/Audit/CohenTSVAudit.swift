import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

/// `intrs audit --cohen-tsv` as a library call: which lines of a Cohen-format certify TSV (idx label predict
/// radius correct time) print a radius that Cohen et al.'s CERTIFY cannot print at (sigma, N, alpha) — decided
/// exactly (``CohenAchievability``, Proofs: AUD-1). The file is streamed (memory bounded whatever its length:
/// findings by `maxFindings`, the caches by ``tsvCacheLimit``).
public struct CohenTSVAudit: Sendable {
    public typealias Report = RecordAudit.Report
    public typealias Finding = RecordAudit.Finding
    public typealias Bounds = RecordAudit.Bounds
    public typealias NearestCount = RecordAudit.NearestCount

    /// sigma in the TSV's radius units (real units for Cohen's data), N, alpha, and the relative slack for
    /// floating-point error in the producer's radius (eps = slack x (radius + sigma)).
    public let sigma: Rational
    public let n: Int
    public let alpha: Rational
    public let slack: Rational
    /// How the radius column was printed.
    package let format: PrintedRadiusFormat
    /// Enclosure precision in bits, and the most findings listed.
    public let bits: Int
    public let maxFindings: Int
    /// The values as given (the report quotes them).
    public let alphaText: String
    public let slackText: String
    public let radiusFormatText: String

    /// Most distinct printed radii (and nearest counts) whose verdicts are kept: memory stays bounded on files
    /// with many distinct radii (the others are decided again when they recur).
    package static let tsvCacheLimit = 1 << 16

    /// `sigma`, `alpha`, `slack`: exact decimals or rationals; `radiusFormat`: cohen (Python "{:.3}", certify.py),
    /// python:P or floor:D. Throws a usage ``RunError`` naming the option and value that is out of range.
    public init(sigma sigmaText: String, n: Int, alpha alphaText: String, slack slackText: String = "1e-9",
                radiusFormat: String = "cohen", bits: Int = 96, maxFindings: Int = 1000) throws {
        let sigma: Rational, alpha: Rational, slack: Rational
        do { sigma = try Rational(parsing: sigmaText) } catch { throw RunError(usage: "--sigma \"\(sigmaText)\": not an exact decimal or rational") }
        do { alpha = try Rational(parsing: alphaText) } catch { throw RunError(usage: "--alpha \"\(alphaText)\": not an exact decimal or rational") }
        do { slack = try Rational(parsing: slackText) } catch { throw RunError(usage: "--slack \"\(slackText)\": not an exact decimal or rational") }
        guard sigma > Rational(0) else { throw RunError(usage: "--sigma \(sigmaText): must be > 0") }
        guard alpha > Rational(0), alpha < Rational(1) else { throw RunError(usage: "--alpha \(alphaText): must be in (0, 1)") }
        guard n >= 1 else { throw RunError(usage: "--n \(n): must be >= 1") }
        guard slack >= Rational(0), slack < Rational(1, 1000) else { throw RunError(usage: "--slack \(slackText): must be in [0, 0.001)") }
        guard let format = PrintedRadiusFormat.parse(radiusFormat) else {
            throw RunError(usage: "--radius-format \"\(radiusFormat)\": expected cohen, python:P (1 <= P <= 17) or floor:D (0 <= D <= 17)")
        }
        guard (32...1024).contains(bits) else { throw RunError(usage: "--bits \(bits): must be in 32...1024") }
        self.sigma = sigma; self.n = n; self.alpha = alpha; self.slack = slack; self.format = format
        self.bits = bits; self.maxFindings = maxFindings
        self.alphaText = alphaText; self.slackText = slackText; self.radiusFormatText = radiusFormat
    }

    /// Audits the TSV at `path`. Throws when the file cannot be read or holds no data lines.
    public func audit(_ path: String) throws -> Report {
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
                bad("malformed", idx, "radius \"\(PrintedValue.abbreviated(cols[3]))\" is not a non-negative number as \(format) prints it (--radius-format \(radiusFormatText); intrs's own TSVs need --radius-format floor:6)")
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
        guard checked > 0 else { throw RunError("\(path): no data lines (empty, or only the header): nothing to audit") }
        // intrs's own int8 TSV (certify.tsv) prints sqrt(n*) x gridScale, an integer-perturbation radius, which is
        // not Cohen's continuous sigma x PhiInv(CP_lower): those lines are expected to be flagged (issue 16).
        let int8Hint = findings.contains { $0.kind == "unachievable" || $0.kind == "unreachable" }
            ? ["if this is intrs certify's int8 TSV (certify.tsv, not certify-float.tsv): its radii are sqrt(n*) x gridScale for integer perturbations, not Cohen's continuous sigma x PhiInv(CP_lower(k)), so --cohen-tsv flags them; audit the run's JSONL instead (intrs audit \(URL(fileURLWithPath: path).deletingPathExtension().path).jsonl), which re-derives every integer certificate"]
            : []
        return Report(file: path, linesChecked: checked, failures: failures, findings: findings, notes: (findingsNotShown > 0 ? [
            "\(findingsNotShown) more findings not shown (the first \(maxFindings) are; --max-findings raises the cap); every line was checked and counted",
        ] : []) + [
            "largest achievable radius sigma x PhiInv(alpha^(1/N)) enclosed in {\"lo\": \"\(rmax.lo)\", \"hi\": \"\(rmax.hi)\"} (about \(rmax.hi.decimalString(digits: 6)))",
            "achievability (radius = sigma x PhiInv(CP_lower(k, N, alpha)) for some count k, printed as \(format), slack \(slackText) x (radius + sigma)): \(justified) answered lines justified by a count, \(undecided) undecided (not flagged), \(distinctRadiiOverflow ? "more than \(verdicts.count)" : "\(verdicts.count)") distinct radii, \(engine.tailDecisions) exact tail decisions",
        ] + int8Hint, findingsNotShown: findingsNotShown)
    }
}
