import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

/// `intrs audit`'s JSONL mode as a library call: re-derives every certificate of a run's records with the exact
/// reference, and checks each record's internal consistency (counts, candidate, prediction, correct,
/// radius = sqrt(n*), radiusReal = radius x gridScale, stream ids; PREDICT's binomial test). The decisions are
/// re-derived with the specification's pieces (``ReferenceSmoothing``: the selection, pA's effective lower bound,
/// PREDICT's decision); the certificate under the recorded radius mode with rigorous enclosures (binary and
/// two-class) or the exact Neyman–Pearson analysis (tight).
///
/// Used by `intrs audit`, by `intrs certify` on its own records before writing them (the self-audit) and, for
/// consistency only, by `intrs merge`.
public struct RecordAudit: Sendable {
    public struct Options: Sendable {
        /// Enclosure precision in bits (raised automatically up to 4x when undecided).
        public var bits: Int = 96
        /// Findings listed at most (the others are counted: ``Report/findingsNotShown``).
        public var maxFindings: Int = 1000
        public init(bits: Int = 96, maxFindings: Int = 1000) { self.bits = bits; self.maxFindings = maxFindings }

        /// Throws a usage ``RunError`` naming the option and value out of range: bits in 32 ... 1024 (below 32 no
        /// certificate is decided; a negative precision would trap in the enclosures), maxFindings >= 0.
        public func validate() throws {
            guard (32...1024).contains(bits) else { throw RunError(usage: "--bits \(bits): must be in 32...1024 (enclosure precision in bits)") }
            guard maxFindings >= 0 else { throw RunError(usage: "--max-findings \(maxFindings): must be >= 0") }
        }
    }
    public var options: Options
    package var bits: Int { options.bits }
    package var maxFindings: Int { options.maxFindings }
    public init(options: Options = Options()) { self.options = options }

    public struct Finding: Codable, Sendable {
        public var line: Int
        public var index: Int?
        /// "unsound", "inconsistent", "malformed", "unreachable", "unachievable", "undecided", "note"
        public var kind: String
        public var reason: String
        /// TSV mode: the closed interval the printed radius stands for (before the slack), exact.
        public var printed: Bounds? = nil
        /// TSV mode, flagged or undecided lines: the nearest counts and enclosures of their radii
        /// sigma x PhiInv(CP_lower(k)) (radius absent when k abstains).
        public var nearest: [NearestCount]? = nil
        public init(line: Int, index: Int?, kind: String, reason: String, printed: Bounds? = nil, nearest: [NearestCount]? = nil) {
            self.line = line; self.index = index; self.kind = kind; self.reason = reason; self.printed = printed; self.nearest = nearest
        }
    }

    /// An exact interval, {"lo": "p/q", "hi": "p/q"}, with decimals for people.
    public struct Bounds: Codable, Equatable, Sendable {
        public var lo: String
        public var hi: String
        public var decimal: String
        public init(_ lo: Rational, _ hi: Rational) {
            self.lo = lo.description; self.hi = hi.description
            decimal = lo == hi ? lo.decimalString(digits: 9) : "[\(lo.decimalString(digits: 9)), \(hi.decimalString(digits: 9))]"
        }
    }

    public struct NearestCount: Codable, Equatable, Sendable {
        public var k: Int
        public var radius: Bounds?
        public init(k: Int, radius: Bounds?) { self.k = k; self.radius = radius }
    }

    public struct Report: Codable, Sendable {
        public var file: String
        public var linesChecked: Int
        public var failures: Int
        public var findings: [Finding]
        public var notes: [String]
        /// Findings counted but not listed (beyond --max-findings); 0 when all are listed.
        public var findingsNotShown: Int = 0
        public init(file: String, linesChecked: Int, failures: Int, findings: [Finding], notes: [String], findingsNotShown: Int = 0) {
            self.file = file; self.linesChecked = linesChecked; self.failures = failures; self.findings = findings
            self.notes = notes; self.findingsNotShown = findingsNotShown
        }
    }

    // MARK: JSONL

    /// Audits the run record file at `path` (one intrs-run-record per line), streamed: memory is bounded
    /// whatever the file's length. Throws when the options are out of range (``Options/validate()``), or the file
    /// cannot be read or holds no records.
    public func auditJSONL(_ path: String) throws -> Report {
        try options.validate()
        var auditor = JSONLAuditor(audit: self, path: path)
        try RunRecordReader.forEachLine(path) { n, t in auditor.add(RunRecordReader.parse(t, number: n, path: path)) }
        guard auditor.linesChecked > 0 else { throw RunError("\(path): no run records (the file is empty or blank): nothing to audit") }
        return auditor.report()
    }

    /// The JSONL audit of lines already read (also used by `intrs certify` to re-derive its own certificates).
    package func audit(_ lines: [RunRecordReader.Line], path: String) -> Report {
        var auditor = JSONLAuditor(audit: self, path: path)
        for l in lines { auditor.add(l) }
        return auditor.report()
    }

    /// The JSONL audit, one line at a time, with memory bounded whatever the file's length: findings beyond
    /// `--max-findings` are counted, not kept (`Report.findingsNotShown`); the caches are capped.
    package struct JSONLAuditor {
        package let audit: RecordAudit
        package let path: String
        package var findings: [Finding] = []
        package var findingsNotShown = 0
        package var failures = 0
        package var linesChecked = 0
        package var notes = Set<String>()
        package var cpCache: [String: Rational] = [:]
        package var tightCache = AuditMath.TightCache()
        /// Lines whose streamSpec is not this build's, by value ("absent" for version 1), at most 16 values.
        package var specLines: [String: (first: Int, count: Int)] = [:]
        package var otherSpecLines = 0

        package init(audit: RecordAudit, path: String) { self.audit = audit; self.path = path }

        package mutating func add(_ line: RunRecordReader.Line) {
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

        package func report() -> Report {
            var notes = self.notes
            for (spec, at) in specLines { notes.insert(RecordAudit.streamSpecNote(spec, firstLine: at.first, lines: at.count)) }
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
    package static func streamSpecNote(_ spec: String, firstLine: Int, lines: Int) -> String {
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

    package func parse(_ text: String, field: String) throws -> Rational {
        do { return try Rational(parsing: text) } catch { throw RunError("field \(field) = \"\(text)\": not an exact rational") }
    }

    /// Every check of one record. Returns the findings (empty when the line is sound and consistent).
    /// `consistencyOnly` (`intrs merge`): the line's internal consistency (counts, candidate, prediction, radius =
    /// sqrt(n*), radiusReal = radius x gridScale, stream ids; predict's binomial test) without re-deriving the
    /// certificate (Clopper-Pearson, total variation, radius analysis), which is `intrs audit`'s.
    package func check(_ r: RunRecord, line: Int, notes: inout Set<String>, cpCache: inout [String: Rational],
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
    package func checkCertificate(_ r: RunRecord, p: Rational, sigma2: Rational, notes: inout Set<String>,
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
        let mode = RadiusMode(rawValue: r.radiusMode), family = NoiseFamily(rawValue: r.noise)
        switch (mode, family) {
        case (.binary?, _), (.twoClass?, .roundedGaussian?):
            // Sound iff m < R^2 with R = sigma * PhiInv(p), i.e. p > Phi(sqrt(m / sigma2)).
            if family == .discreteGaussian {
                notes.insert("radius mode binary under discrete-gaussian noise: the binary closed form is sound for N_Z by CF-2 (Proofs/CF-2.md)")
            }
            if mode == .twoClass { notes.insert("two-class lines are checked with pB = 1 - pA (the binary form), which is what the certificate tables use") }
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
        case (.tight?, .discreteGaussian?):
            if try !AuditMath.tightCertifies(p: p, norm2: r.certifiedNorm2, sigma2: sigma2, dimension: r.dimension, cache: &tightCache) {
                bad("unsound", "the exact Neyman-Pearson analysis finds an integer delta with |delta|^2 < \(r.certifiedNorm2) that is not certified at pA_eff = \(p.decimalString(digits: 12))")
            }
        default:
            bad("inconsistent", "radius mode \"\(r.radiusMode)\" with noise \"\(r.noise)\" is not a sound configuration")
        }
    }

    /// The largest n* the closed-form binary radius justifies at p (for the message), by enclosures.
    package func maximalNorm2(p: Rational, sigma2: Rational) throws -> Int? {
        let z = try AuditMath.phiInverse(Interval(exactly: p), bits: bits)
        guard z.lo > Rational(0) else { return 1 }
        let r2lo = z.lo * z.lo * sigma2
        // n* = ceil(R^2) (robust for |delta|^2 < R^2); report the conservative value from the lower end.
        return (r2lo.numerator.ceilDiv(r2lo.denominator)).asInt
    }
}
