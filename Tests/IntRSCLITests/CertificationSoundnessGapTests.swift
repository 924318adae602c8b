import Foundation
import Testing
import IntRSCore
import IntRSExact
import IntRSReference
@testable import IntRSCLI
@testable import IntRSRun

/// Issue 14, part 2: a tampered tight table, the NP-2 hypothesis, one TV precision rule, unambiguous JSON names.
@Suite("certification: soundness gaps of the independent review")
struct CertificationSoundnessGapTests {
    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-gaps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Every minCount lowered by `by` (kept >= 0 and strictly increasing: on a collision the larger norm stays).
    static func lowered(_ t: CertificateTable, by: Int) -> CertificateTable {
        var steps: [CertificateStep] = []
        for s in t.steps {
            let k = max(0, s.minCount - by)
            if let last = steps.last, last.minCount >= k { steps[steps.count - 1] = CertificateStep(minCount: last.minCount, norm2Bound: s.norm2Bound) }
            else { steps.append(CertificateStep(minCount: k, norm2Bound: s.norm2Bound)) }
        }
        var out = t; out.steps = steps
        return out
    }

    @Test("verify: a built tight table passes; lowered thresholds are UNSOUND; a raised one is not the builder's table")
    func verifyTightTable() throws {
        let alpha = Rational(1, 1000)
        let spec = try SmoothingCertification.spec(noise: NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(4), sampler: .exact, tableBits: nil),
                                                   eta: Rational(0), dimension: 64, estimationSamples: 200, alpha: alpha, radiusMode: .tight)
        let cp: CertificateTableBuilder.LowerBound = { k in try SmoothingCertification.clopperPearsonLower(successes: k, trials: 200, alpha: alpha) }
        let t = try CertificateTableBuilder.build(spec: spec, lowerBound: cp, phiUpper: SmoothingCertification.phiOfSqrtUpper, generator: "test")
        #expect(t.steps.count >= 3, "\(t.steps)")
        #expect(try CertificateTableBuilder.verify(table: t, spec: spec, lowerBound: cp, phiUpper: SmoothingCertification.phiOfSqrtUpper).isEmpty)
        let low = Self.lowered(t, by: 15)
        let p1 = try CertificateTableBuilder.verify(table: low, spec: spec, lowerBound: cp, phiUpper: SmoothingCertification.phiOfSqrtUpper)
        #expect(p1.contains { $0.contains("UNSOUND") }, "\(p1)")
        var high = t; high.steps[1].minCount += 1
        let p2 = try CertificateTableBuilder.verify(table: high, spec: spec, lowerBound: cp, phiUpper: SmoothingCertification.phiOfSqrtUpper)
        #expect(!p2.isEmpty && !p2.contains { $0.contains("UNSOUND") }, "\(p2)")
    }

    @Test("certify --radius-mode tight: a tampered --certificate-table is refused; a tampered cache is rebuilt, and the run audits clean")
    func tamperedTightTable() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tablePath = dir.appendingPathComponent("tight.json")
        #expect(CLITest.failure(["table", "--sigma2", "1", "--dimension", "64", "--n", "300", "--mode", "tight", "--output", tablePath.path]) == nil)
        let honest = try CertificateTable.load(from: tablePath)
        let tampered = Self.lowered(honest, by: 30)
        #expect(tampered.steps != honest.steps)
        let bad = dir.appendingPathComponent("tampered.json")
        try CanonicalJSON.encode(tampered).write(to: bad)
        let run = ["certify", "--n", "300", "--n0", "20", "--limit", "2", "--sigma2", "1", "--radius-mode", "tight", "--sampler", "exact",
                   "--no-time", "--quiet", "--json", "--no-float-baseline"]
        let out1 = dir.appendingPathComponent("out1")
        let message = CLITest.errorMessage(run + ["--certificate-table", bad.path, "--output-dir", out1.path])
        #expect(message?.contains("--certificate-table \(bad.path): the exact re-derivation rejects the table") == true, "\(message ?? "accepted")")
        #expect(message?.contains("UNSOUND") == true)
        #expect(!FileManager.default.fileExists(atPath: out1.appendingPathComponent("certify.jsonl").path))
        // The same table as a cache: rejected, rebuilt, and the run's certificates pass the audit.
        let out2 = dir.appendingPathComponent("out2")
        let cache = out2.appendingPathComponent("tables").appendingPathComponent(try SmoothingCertificates.cacheName(honest.configuration))
        try FileManager.default.createDirectory(at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
        try CanonicalJSON.encode(tampered).write(to: cache)
        #expect(CLITest.failure(run + ["--output-dir", out2.path]) == nil)
        #expect(try CertificateTable.load(from: cache).steps == honest.steps)
        let records = out2.appendingPathComponent("certify.jsonl").path
        #expect(try AuditCommand.parse([records]).auditJSONL(records).failures == 0)
        // The honest table is accepted.
        #expect(CLITest.failure(run + ["--certificate-table", tablePath.path, "--output-dir", dir.appendingPathComponent("out3").path]) == nil)
    }

    @Test("one TV precision rule: a table built by `intrs table` for a 96-bit sampler is the one certify expects")
    func tableBitsPrecisionRule() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t96.json")
        #expect(CLITest.failure(["table", "--sigma2", "16", "--sampler", "table", "--table-bits", "96", "--dimension", "64", "--n", "100",
                                 "--mode", "closed-form", "--output", path.path]) == nil)
        let law = try TableLaw(family: .discreteGaussian, sigma2: Rational(16), bits: 96)
        #expect(try CertificateTable.load(from: path).configuration.eta == law.certificationTotalVariationBound.description)
        #expect(TableLaw.certificationPrecision(tableBits: 96) == 192 && TableLaw.certificationPrecision(tableBits: 32) == 128)
        let failure = CLITest.failure(["certify", "--sigma2", "16", "--sampler", "table", "--table-bits", "96", "--n", "100", "--n0", "10",
                                       "--limit", "1", "--certificate-table", path.path, "--output-dir", dir.appendingPathComponent("out").path,
                                       "--no-time", "--quiet", "--json", "--no-float-baseline"])
        #expect(failure == nil, "\(failure?.message ?? "")")
    }

    @Test("radius: pA + pB >= 1 is answered in the binary form, with a note and a valid witness (NP-2's hypothesis)")
    func np2Hypothesis() throws {
        for (pa, pb) in [("0.9998", "0.3"), ("0.7", "0.3")] {
            let out = try RadiusCommand.parse(["--sigma2", "1", "--pa", pa, "--pb", pb, "--delta", "2", "--json"]).compute()
            #expect(out.form == "binary", "pA \(pa), pB \(pb)")
            #expect(out.pB == (try Rational(parsing: pb)).description)
            #expect(out.note?.contains("answered in the binary form") == true)
            let check = out.shift?.witnessCheck
            #expect(check == nil || check!.hasPrefix("valid"), "pA \(pa), pB \(pb): \(check ?? "-")")
            let binary = try RadiusCommand.parse(["--sigma2", "1", "--pa", pa, "--delta", "2", "--json"]).compute()
            #expect(out.shift?.decision == binary.shift?.decision && out.shift?.margin?.lo == binary.shift?.margin?.lo)
        }
        // pA + pB < 1 stays two-class.
        let two = try RadiusCommand.parse(["--sigma2", "1", "--pa", "0.7", "--pb", "0.07", "--delta", "1", "--json"]).compute()
        #expect(two.form == "two-class" && two.note == nil)
    }

    @Test("radius JSON: the top-level outcome is not the shift's decision; the tight certificate is maxCertifiedNorm2 = n* - 1")
    func radiusNames() throws {
        let a = try RadiusCommand.parse(["--sigma2", "1", "--pa", "0.4", "--json"]).compute()
        #expect(a.outcome == "abstain")
        let s = try RadiusCommand.parse(["--sigma2", "1", "--pa", "0.7", "--delta", "2", "--json"]).compute()
        #expect(s.outcome == "top-class" && s.shift?.decision == "not-certified")
        let json = String(decoding: try CanonicalJSON.encode(s), as: UTF8.self).filter { !$0.isWhitespace }
        #expect(json.contains("\"outcome\":\"top-class\"") && !json.contains("\"decision\":\"certified\""), "\(json)")
        let t = try RadiusCommand.parse(["--sigma2", "4", "--pa", "0.9", "--tight", "--dimension", "3", "--max-norm2", "100", "--json"]).compute()
        #expect(t.tight?.complete == true)
        #expect(t.tight?.nStar != nil && t.tight?.maxCertifiedNorm2 == t.tight!.nStar! - 1)
        #expect(!String(decoding: try CanonicalJSON.encode(t), as: UTF8.self).contains("\"certifiedNorm2\""))
        #expect(String(decoding: try CanonicalJSON.encode(t), as: UTF8.self).contains("\"maxCertifiedNorm2\""))
    }
}
