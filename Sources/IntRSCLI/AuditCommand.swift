import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

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

    struct Finding: Codable {
        var line: Int
        var index: Int?
        /// "unsound", "inconsistent", "malformed", "unreachable", "unachievable", "undecided", "note"
        var kind: String
        var reason: String
        /// TSV mode: the closed interval the printed radius stands for (before the slack), exact.
        var printed: Bounds? = nil
        /// TSV mode, flagged or undecided lines: the nearest counts and enclosures of their radii
        /// sigma x PhiInv(CP_lower(k)) (radius absent when k abstains).
        var nearest: [NearestCount]? = nil
    }

    /// An exact interval, {"lo": "p/q", "hi": "p/q"}, with decimals for people.
    struct Bounds: Codable, Equatable {
        var lo: String
        var hi: String
        var decimal: String
        init(_ lo: Rational, _ hi: Rational) {
            self.lo = lo.description; self.hi = hi.description
            decimal = lo == hi ? lo.decimalString(digits: 9) : "[\(lo.decimalString(digits: 9)), \(hi.decimalString(digits: 9))]"
        }
    }

    struct NearestCount: Codable, Equatable {
        var k: Int
        var radius: Bounds?
    }

    struct Report: Codable {
        var file: String
        var linesChecked: Int
        var failures: Int
        var findings: [Finding]
        var notes: [String]
        /// Findings counted but not listed (beyond --max-findings); 0 when all are listed.
        var findingsNotShown: Int = 0
    }

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

    // MARK: JSONL

    func auditJSONL(_ path: String) throws -> Report {
        var auditor = JSONLAuditor(audit: self, path: path)
        try RunRecordReader.forEachLine(path) { n, t in auditor.add(RunRecordReader.parse(t, number: n, path: path)) }
        guard auditor.linesChecked > 0 else { throw CLIError("\(path): no run records (the file is empty or blank): nothing to audit") }
        return auditor.report()
    }

    /// The JSONL audit of lines already read (also used by `intrs certify` to re-derive its own certificates).
    func auditLines(_ lines: [RunRecordReader.Line], path: String) throws -> Report {
        var auditor = JSONLAuditor(audit: self, path: path)
        for l in lines { auditor.add(l) }
        return auditor.report()
    }

    /// The JSONL audit, one line at a time, with memory bounded whatever the file's length: findings beyond
    /// `--max-findings` are counted, not kept (`Report.findingsNotShown`); the caches are capped.
    struct JSONLAuditor {
        let audit: AuditCommand
        let path: String
        var findings: [Finding] = []
        var findingsNotShown = 0
        var failures = 0
        var linesChecked = 0
        var notes = Set<String>()
        var cpCache: [String: Rational] = [:]
        var tightCache = AuditMath.TightCache()
        /// Lines whose streamSpec is not this build's, by value ("absent" for version 1), at most 16 values.
        var specLines: [String: (first: Int, count: Int)] = [:]
        var otherSpecLines = 0

        init(audit: AuditCommand, path: String) { self.audit = audit; self.path = path }

        mutating func add(_ line: RunRecordReader.Line) {
            linesChecked += 1
            var found: [Finding]
            if let r = line.record {
                if r.streamSpec != StreamSpecification.version {
                    let key = r.streamSpec.map(String.init) ?? "absent"
                    if let s = specLines[key] { specLines[key] = (s.first, s.count + 1) }
                    else if specLines.count < 16 { specLines[key] = (line.number, 1) }
                    else { otherSpecLines += 1 }
                }
                if cpCache.count > 100_000 { cpCache.removeAll() }
                do {
                    found = try audit.check(r, line: line.number, notes: &notes, cpCache: &cpCache, tightCache: &tightCache)
                } catch {
                    found = [Finding(line: line.number, index: r.index, kind: "malformed", reason: "\(error)")]
                }
            } else {
                found = [Finding(line: line.number, index: nil, kind: "malformed", reason: line.error ?? "malformed")]
            }
            if found.contains(where: { $0.kind != "note" }) { failures += 1 }
            for f in found {
                if findings.count < audit.maxFindings { findings.append(f) } else { findingsNotShown += 1 }
            }
        }

        func report() -> Report {
            var notes = self.notes
            for (spec, at) in specLines { notes.insert(AuditCommand.streamSpecNote(spec, firstLine: at.first, lines: at.count)) }
            if otherSpecLines > 0 {
                notes.insert("\(otherSpecLines) more records have streamSpec values this build does not know (besides the \(specLines.count) values named)")
            }
            if findingsNotShown > 0 {
                notes.insert("\(findingsNotShown) more findings not shown (the first \(audit.maxFindings) are; --max-findings raises the cap); every line was checked and counted")
            }
            return Report(file: path, linesChecked: linesChecked, failures: failures, findings: findings,
                          notes: notes.sorted(), findingsNotShown: findingsNotShown)
        }
    }

    /// The note for records whose stream specification is not this build's ("absent": version 1 records).
    /// Not a failure: certificates are re-derived from the counts, which is independent of the stream.
    static func streamSpecNote(_ spec: String, firstLine: Int, lines: Int) -> String {
        let current = StreamSpecification.version
        let which = "\(lines) record\(lines == 1 ? " (line \(firstLine)) has" : "s (first at line \(firstLine)) have")"
        let (its, they) = lines == 1 ? ("its", "the record cannot") : ("their", "the records cannot")
        let why: String
        switch spec {
        case "absent":
            why = "\(which) no streamSpec field (run-record version 1): the stream specification that drew the noise is unknown (Vectors/stream-spec.md version 1, or 2 for records written just after it), so \(they) say how to reproduce \(its) counts"
        case "1":
            why = "\(which) streamSpec 1: \(its) noise was drawn under Vectors/stream-spec.md version 1, which this build (version \(current)) no longer draws, so this build's samplers do not reproduce \(its) counts"
        default:
            why = "\(which) streamSpec \(spec), a stream specification this build does not know (it knows versions 1 to \(current)): \(its) counts cannot be reproduced by this build"
        }
        return why + "; \(its) certificate\(lines == 1 ? " was" : "s were") re-derived from the recorded counts, which does not depend on the stream"
    }

    func parse(_ text: String, field: String) throws -> Rational {
        do { return try Rational(parsing: text) } catch { throw CLIError("field \(field) = \"\(text)\": not an exact rational") }
    }

    /// Every check of one record. Returns the findings (empty when the line is sound and consistent).
    /// `consistencyOnly` (`intrs merge`): the line's internal consistency (counts, candidate, prediction, radius =
    /// sqrt(n*), radiusReal = radius x gridScale, stream ids; predict's binomial test) without re-deriving the
    /// certificate (Clopper-Pearson, total variation, radius analysis), which is `intrs audit`'s.
    func check(_ r: RunRecord, line: Int, notes: inout Set<String>, cpCache: inout [String: Rational],
               tightCache: inout AuditMath.TightCache, consistencyOnly: Bool = false) throws -> [Finding] {
        var out: [Finding] = []
        func bad(_ kind: String, _ reason: String) { out.append(Finding(line: line, index: r.index, kind: kind, reason: reason)) }
        let alpha = try parse(r.alpha, field: "alpha")
        let sigma2 = try parse(r.sigma2, field: "sigma2")
        let gridScale = try parse(r.gridScale, field: "gridScale")
        guard alpha > Rational(0), alpha < Rational(1) else { bad("inconsistent", "alpha \(r.alpha) not in (0, 1)"); return out }
        guard sigma2 > Rational(0) else { bad("inconsistent", "sigma2 \(r.sigma2) not > 0"); return out }
        guard r.n >= 1, r.nA >= 0, r.nA <= r.n else { bad("inconsistent", "nA = \(r.nA) not in 0...N = \(r.n)"); return out }
        // The reader refuses these (RunRecordValidation); checked again for records given in memory.
        guard let example = UInt32(exactly: r.index) else { bad("inconsistent", "index \(r.index) outside 0 ... 2^32 - 1"); return out }
        guard r.candidate >= 0, r.candidate < r.counts.count else { bad("inconsistent", "candidate \(r.candidate) outside the \(r.counts.count) classes"); return out }
        // Summed without overflow (each count is in 0...N, but a line may hold many).
        let total = r.counts.reduce(into: BigInt(0)) { $0 += BigInt($1) }
        if total != BigInt(r.n) { bad("inconsistent", "counts sum to \(total), not N = \(r.n)") }
        if r.counts[r.candidate] != r.nA { bad("inconsistent", "nA = \(r.nA) but counts[\(r.candidate)] = \(r.counts[r.candidate])") }
        if r.abstain != (r.prediction == -1) { bad("inconsistent", "abstain = \(r.abstain) but prediction = \(r.prediction)") }
        if !r.abstain && r.prediction != r.candidate { bad("inconsistent", "prediction \(r.prediction) is not the candidate \(r.candidate)") }
        if r.correct != (!r.abstain && r.prediction == r.label) { bad("inconsistent", "correct = \(r.correct) but prediction = \(r.prediction), label = \(r.label)") }
        if r.certifiedNorm2 < 0 { bad("inconsistent", "certifiedNorm2 = \(r.certifiedNorm2) < 0") }
        let expectRadius = Double(max(r.certifiedNorm2, 0)).squareRoot()
        if abs(r.radius - expectRadius) > 1e-9 * max(1, expectRadius) { bad("inconsistent", "radius \(r.radius) is not sqrt(certifiedNorm2 = \(r.certifiedNorm2)) = \(expectRadius) grid units") }
        let expectReal = expectRadius * gridScale.doubleApproximation
        if abs(r.radiusReal - expectReal) > 1e-9 * max(1, expectReal) { bad("inconsistent", "radiusReal \(r.radiusReal) is not radius x gridScale = \(expectReal)") }

        switch r.procedure {
        case "predict":
            // PREDICT's decision re-derived by the specification (ReferenceSmoothing.predictDecision).
            let decision = try ReferenceSmoothing.predictDecision(counts: r.counts, alpha: alpha)
            if decision.top != r.candidate { bad("inconsistent", "candidate \(r.candidate) is not the top class \(decision.top) of counts") }
            let nB = decision.nB
            if r.nB != nB { bad("inconsistent", "nB = \(r.nB.map(String.init) ?? "missing") but the runner-up count is \(nB)") }
            if r.certifiedNorm2 != 0 { bad("unsound", "predict claims certifiedNorm2 = \(r.certifiedNorm2); PREDICT certifies nothing") }
            if r.streams != [StreamRange(example: example, phase: 2, first: 0, count: r.n)] {
                bad("inconsistent", "streams \(r.streams) are not example \(r.index), phase 2, indices 0..<\(r.n)")
            }
            let rejects = decision.prediction != nil
            if rejects == r.abstain {
                bad(r.abstain ? "inconsistent" : "unsound",
                    "the exact two-sided binomial test of \(decision.nA) in \(decision.nA + nB) at alpha \(r.alpha) \(rejects ? "rejects (answer)" : "does not reject (abstain)") but the line \(r.abstain ? "abstains" : "answers")")
            }
        case "certify":
            guard let n0 = r.n0, let sel = r.selectionCounts else { bad("inconsistent", "certify record without n0 / selectionCounts"); return out }
            let selTotal = sel.reduce(into: BigInt(0)) { $0 += BigInt($1) }
            if selTotal != BigInt(n0) { bad("inconsistent", "selectionCounts sum to \(selTotal), not N0 = \(n0)") }
            if sel.count != r.counts.count { bad("inconsistent", "selectionCounts has \(sel.count) classes, counts \(r.counts.count)") }
            else {
                let best = ReferenceSmoothing.select(sel)
                if best != r.candidate { bad("inconsistent", "candidate \(r.candidate) is not the selection argmax \(best) (lowest index on ties)") }
            }
            let expectStreams = [StreamRange(example: example, phase: 0, first: 0, count: n0),
                                 StreamRange(example: example, phase: 1, first: 0, count: r.n)]
            if r.streams != expectStreams { bad("inconsistent", "streams are not example \(r.index), phase 0 indices 0..<\(n0) and phase 1 indices 0..<\(r.n)") }
            if consistencyOnly {
                // (checkCertificate says these too, with the certificate)
                if r.abstain && r.certifiedNorm2 != 0 { bad("inconsistent", "abstains but claims certifiedNorm2 = \(r.certifiedNorm2)") }
                if !r.abstain && r.certifiedNorm2 < 1 { bad("inconsistent", "answers with certifiedNorm2 = \(r.certifiedNorm2); an answer needs n* >= 1") }
                return out
            }
            let key = "\(r.nA)/\(r.n)/\(r.alpha)"
            let lower: Rational
            if let c = cpCache[key] { lower = c } else { lower = try AuditMath.clopperPearsonLower(successes: r.nA, trials: r.n, alpha: alpha); cpCache[key] = lower }
            if let claimed = r.pALower {
                let c = try parse(claimed, field: "pALower")
                if c != lower {
                    bad(c > lower ? "unsound" : "inconsistent", "pALower \(claimed) but the exact Clopper-Pearson lower bound for nA = \(r.nA), N = \(r.n), alpha = \(r.alpha) is \(lower) (\(lower.decimalString(digits: 12)))")
                }
            } else { bad("inconsistent", "certify record without pALower") }
            let recordedTV = try parse(r.tvBoundPerCoordinate, field: "tvBoundPerCoordinate")
            var tv = recordedTV
            if let derived = try AuditMath.tvBound(noise: r.noise, sigma2: sigma2, sampler: r.sampler, tableBits: r.tableBits) {
                if recordedTV < derived { bad("unsound", "tvBoundPerCoordinate \(r.tvBoundPerCoordinate) is below the sampler's bound \(derived)") }
                tv = Rational.max(derived, recordedTV)
            } else {
                // Unreachable for records the reader accepted (RunRecordValidation): exact, or table with tableBits.
                bad("undecided", "the \(r.sampler) sampler's total-variation bound cannot be re-derived by this build; treated as unsound (conservative)")
                return out
            }
            let effective = ReferenceSmoothing.effective(lower: lower, dimension: r.dimension, tvBound: tv)
            if let e = r.pAEffective, try parse(e, field: "pAEffective") != effective {
                bad("inconsistent", "pAEffective \(e) is not max(0, pALower - d x tv) = \(effective)")
            }
            try checkCertificate(r, p: effective, sigma2: sigma2, notes: &notes, tightCache: &tightCache, bad: bad)
        default:
            bad("inconsistent", "procedure \"\(r.procedure)\" is neither certify nor predict")
        }
        return out
    }

    /// The certificate itself: abstain iff p <= 1/2; a claimed n* >= 2 needs every integer delta with
    /// |delta|^2 <= n* - 1 certified under the recorded radius mode.
    func checkCertificate(_ r: RunRecord, p: Rational, sigma2: Rational, notes: inout Set<String>,
                          tightCache: inout AuditMath.TightCache,
                          bad: (String, String) -> Void) throws {
        let half = Rational(1, 2)
        if r.abstain {
            if r.certifiedNorm2 != 0 { bad("unsound", "abstains but claims certifiedNorm2 = \(r.certifiedNorm2)") }
            if p > half { bad("inconsistent", "abstains although the effective pA lower bound \(p.decimalString(digits: 12)) > 1/2") }
            return
        }
        guard r.certifiedNorm2 >= 1 else { bad("inconsistent", "answers with certifiedNorm2 = \(r.certifiedNorm2); an answer needs n* >= 1"); return }
        if p <= half {
            bad("unsound", "answers although the effective pA lower bound \(p.decimalString(digits: 12)) <= 1/2 (must abstain)")
            return
        }
        let m = r.certifiedNorm2 - 1          // the largest |delta|^2 claimed
        if m == 0 { return }
        switch (r.radiusMode, r.noise) {
        case ("binary", _), ("two-class", "rounded-gaussian"):
            // Sound iff m < R^2 with R = sigma * PhiInv(p), i.e. p > Phi(sqrt(m / sigma2)).
            if r.noise == "discrete-gaussian" {
                notes.insert("radius mode binary under discrete-gaussian noise: the binary closed form is sound for N_Z by CF-2 (Proofs/CF-2.md)")
            }
            if r.radiusMode == "two-class" { notes.insert("two-class lines are checked with pB = 1 - pA (the binary form), which is what the certificate tables use") }
            var b = bits
            while true {
                let x = Enclosure.sqrt(Rational(m) / sigma2, bits: b)
                let ph = try AuditMath.phi(x, bits: b)
                if p > ph.hi { return }
                if p <= ph.lo {
                    let maxN2 = try maximalNorm2(p: p, sigma2: sigma2)
                    bad("unsound", "claims |delta|^2 < \(r.certifiedNorm2) but pA_eff = \(p.decimalString(digits: 12)) <= Phi(sqrt(\(m)/sigma2)) in \(ph); the closed-form binary radius sigma x PhiInv(pA_eff) covers only |delta|^2 < \(maxN2.map(String.init) ?? "?")")
                    return
                }
                if b >= 4 * bits {
                    bad("undecided", "pA_eff = \(p) vs Phi(sqrt(\(m)/sigma2)) in \(ph) not decided at \(b) bits; treated as unsound (conservative)")
                    return
                }
                b *= 2
            }
        case ("tight", "discrete-gaussian"):
            if try !AuditMath.tightCertifies(p: p, norm2: r.certifiedNorm2, sigma2: sigma2, dimension: r.dimension, cache: &tightCache) {
                bad("unsound", "the exact Neyman-Pearson analysis finds an integer delta with |delta|^2 < \(r.certifiedNorm2) that is not certified at pA_eff = \(p.decimalString(digits: 12))")
            }
        default:
            bad("inconsistent", "radius mode \"\(r.radiusMode)\" with noise \"\(r.noise)\" is not a sound configuration")
        }
    }

    /// The largest n* the closed-form binary radius justifies at p (for the message), by enclosures.
    func maximalNorm2(p: Rational, sigma2: Rational) throws -> Int? {
        let z = try AuditMath.phiInverse(Interval(exactly: p), bits: bits)
        guard z.lo > Rational(0) else { return 1 }
        let r2lo = z.lo * z.lo * sigma2
        // n* = ceil(R^2) (robust for |delta|^2 < R^2); report the conservative value from the lower end.
        return (r2lo.numerator.ceilDiv(r2lo.denominator)).asInt
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
