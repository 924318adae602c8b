import Foundation
import Testing
import IntRSCore
import IntRSExact
@testable import IntRSCLI
@testable import IntRSRun

@Suite("intrs audit")
struct AuditCommandTests {
    static func temp(_ name: String, _ text: String) throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-audit-\(UUID().uuidString)-\(name)")
        try Data(text.utf8).write(to: u)
        return u
    }

    @Test("Cohen TSV: radii above sigma * PhiInv(alpha^(1/N)) are flagged; bad rows do not stop the others")
    func cohenTSV() throws {
        // sigma = 0.25, N = 1e5, alpha = 0.001: the largest reachable radius is 0.952864... (scipy:
        // 0.25 * norm.ppf(0.001 ** (1 / 100000)) = 0.9528641...).
        let tsv = """
        idx\tlabel\tpredict\tradius\tcorrect\ttime
        0\t3\t3\t0.5\t1\t0:00:01.000000
        1\t4\t4\t1.2\t1\t0:00:01.000000
        2\t5\t5\tabc\t1\t0:00:01.000000
        3\t6\t7\t0.3\t1\t0:00:01.000000
        4\t6\t6\t0.9525\t1\t0:00:01.000000
        5\t6\t6\t0.953\t1\t0:00:01.000000
        6\t6\t6\t0.954\t1\t0:00:01.000000

        """
        let url = try Self.temp("c.tsv", tsv)
        defer { try? FileManager.default.removeItem(at: url) }
        let cmd = try AuditCommand.parse(["--cohen-tsv", url.path, "--sigma", "0.25", "--n", "100000", "--alpha", "0.001"])
        let r = try cmd.auditTSV(url.path, sigmaText: "0.25", n: 100000, alphaText: "0.001")
        let byLine = Dictionary(grouping: r.findings, by: { $0.line })
        #expect(r.linesChecked == 7)
        #expect(byLine[2] == nil)                                   // 0.5: fine
        #expect(byLine[3]?.first?.kind == "unreachable")            // 1.2
        #expect(byLine[4]?.first?.kind == "malformed")              // abc
        #expect(byLine[5]?.first?.kind == "inconsistent")           // correct 1 but predict != label
        #expect(byLine[6]?.first?.kind == "malformed")              // 0.9525: not a "{:.3}" rendering
        #expect(byLine[7] == nil)                                   // "0.953" may be 0.9525 rounded up
        #expect(byLine[8]?.first?.kind == "unreachable")            // 0.954 - 0.0005 > 0.95286
        #expect(r.failures == 5)
        #expect(r.notes.first?.contains("0.95286") == true, "\(r.notes)")
    }

    @Test("audit exits nonzero when a line fails, zero otherwise")
    func exitStatus() throws {
        let good = try Self.temp("g.tsv", "idx\tlabel\tpredict\tradius\tcorrect\ttime\n0\t1\t1\t0.5\t1\t0:00:01\n")
        let bad = try Self.temp("b.tsv", "idx\tlabel\tpredict\tradius\tcorrect\ttime\n0\t1\t1\t5.0\t1\t0:00:01\n")
        defer { try? FileManager.default.removeItem(at: good); try? FileManager.default.removeItem(at: bad) }
        let ok = try AuditCommand.parse(["--cohen-tsv", good.path, "--sigma", "0.25", "--n", "100000", "--alpha", "0.001"])
        #expect(throws: Never.self) { try ok.run() }
        let ko = try AuditCommand.parse(["--cohen-tsv", bad.path, "--sigma", "0.25", "--n", "100000", "--alpha", "0.001"])
        #expect(throws: (any Error).self) { try ko.run() }
    }
}
