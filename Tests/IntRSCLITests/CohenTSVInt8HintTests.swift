import Foundation
import Testing
@testable import IntRSCLI
@testable import IntRSRun

@Suite("audit --cohen-tsv on intrs's own int8 TSV (issue 16)")
struct CohenTSVInt8HintTests {
    @Test("flagged radii come with the reason (integer-perturbation radii) and a pointer to the JSONL")
    func int8TSVHint() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-i16-cohen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // sqrt(n*) x 1/16 for n* = 37: 0.380173, as intrs certify prints it (floor:6); not sigma x PhiInv(CP_lower(k)).
        let url = dir.appendingPathComponent("certify.tsv")
        try "idx\tlabel\tpredict\tradius\tcorrect\ttime\n0\t1\t1\t0.380173\t1\t0:00:01\n".write(to: url, atomically: true, encoding: .utf8)
        let cmd = try AuditCommand.parse(["--cohen-tsv", url.path, "--radius-format", "floor:6", "--sigma", "0.25", "--n", "100000", "--alpha", "0.001"])
        let r = try cmd.auditTSV(url.path, sigmaText: "0.25", n: 100000, alphaText: "0.001")
        #expect(r.failures == 1)
        let hint = r.notes.first { $0.contains("int8 TSV") }
        #expect(hint?.contains("sqrt(n*) x gridScale") == true && hint?.contains("\(dir.path)/certify.jsonl") == true, "\(r.notes)")
    }
}
