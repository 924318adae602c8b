import Foundation
import Testing
@testable import IntRSCLI
@testable import IntRSRun

/// Issue 16 item 11 for `audit --cohen-tsv`: the file is streamed (RunRecordReader.forEachLine), not read whole.
struct CohenTSVStreamingTests {
    @Test("audit --cohen-tsv streams a large file: every line counted by its number, an overlong line reported, findings capped")
    func largeFile() throws {
        let dir = try RunRecordStreamSpecTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("large.tsv")
        // About 6 MB: 100,000 abstaining lines (cheap, sound), 50,000 malformed ones, a blank line and a line
        // longer than the reader holds, then a last malformed line whose number must still be right.
        let abstain = "7\t3\t-1\t0.0\t0\t0.1\n"
        var text = "idx\tlabel\tpredict\tradius\tcorrect\ttime\n"
        text.reserveCapacity(7_000_000)
        for i in 0 ..< 150_000 { text += i % 3 == 2 ? "\(i)\tbad\n" : abstain }
        text += "\n"
        text += String(repeating: "9", count: RunRecordReader.maxLineBytes + 1) + "\n"
        text += "last\tline\n"
        try Data(text.utf8).write(to: path)
        let report = try AuditCommand.parse(["--cohen-tsv", path.path, "--sigma", "0.25", "--n", "1000", "--alpha", "0.001", "--max-findings", "50001"])
            .auditTSV(path.path, sigmaText: "0.25", n: 1000, alphaText: "0.001")
        #expect(report.linesChecked == 150_002)
        #expect(report.failures == 50_002)
        #expect(report.findings.count == 50_001 && report.findingsNotShown == 1)
        #expect(Array(report.findings.map(\.line).prefix(3)) == [4, 7, 10])
        #expect(report.findings.last?.line == 150_003 && report.findings.last?.reason.contains("line longer than") == true)
        #expect(report.findings.allSatisfy { $0.reason.count < 1_000 }, "a finding quotes at most an abbreviated line")
    }
}
