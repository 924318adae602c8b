import Foundation
import Testing
import IntRSRun

/// `RecordAudit.Options` out of range is a usage error naming the option and value, thrown before the file is
/// read; a negative precision used to trap in the enclosures when the library was called without the CLI.
@Suite("RecordAudit: options out of range")
struct RecordAuditOptionsTests {
    @Test("bits outside 32 ... 1024 and negative maxFindings are usage errors naming the value",
          arguments: [(-1, 10, "--bits -1"), (0, 10, "--bits 0"), (31, 10, "--bits 31"), (1025, 10, "--bits 1025"),
                      (96, -1, "--max-findings -1")])
    func outOfRange(bits: Int, maxFindings: Int, named: String) {
        let audit = RecordAudit(options: .init(bits: bits, maxFindings: maxFindings))
        // The path does not exist: the options are checked first, so the error is about them.
        do {
            _ = try audit.auditJSONL("/nonexistent/intrs-record-audit-options.jsonl")
            Issue.record("accepted bits \(bits), maxFindings \(maxFindings)")
        } catch let e as RunError {
            #expect(e.isUsage && e.description.hasPrefix(named), "\(e)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("the ends of the range are accepted")
    func inRange() throws {
        try RecordAudit.Options(bits: 32, maxFindings: 0).validate()
        try RecordAudit.Options(bits: 1024, maxFindings: 1).validate()
    }
}
