import Foundation
import Testing
import IntRSConformance
import IntRSCore

/// The end-to-end suite: equal to the checked-in file, the fast runtime conforms, and a tampered count or
/// certificate is reported with its case id. (Generated once: generation takes seconds in debug builds.)
@Suite struct EndToEndSuiteTests {
    @Test("end-to-end: regenerates the checked-in file, conforms, and catches tampering")
    func endToEnd() throws {
        let a = try EndToEndSuite.generate()
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let onDisk = try Data(contentsOf: repo.appendingPathComponent("Vectors/\(EndToEndSuite.fileName)"))
        #expect(a == onDisk, "Vectors/\(EndToEndSuite.fileName) differs from a fresh generation")
        #expect(try EndToEndSuite.conform(a) == [])
        #expect(a.count < 200_000)
        let text = String(decoding: a, as: UTF8.self)
        // Case 5's estimation counts are [96, 18, 6] (stream-spec v2); case 10 certifies n* = 41.
        let t1 = text.replacingOccurrences(of: "\"counts\" : [\n            96,", with: "\"counts\" : [\n            97,")
        #expect(t1 != text)
        #expect(try EndToEndSuite.conform(Data(t1.utf8)).contains { $0.contains("case 5") })
        let t2 = text.replacingOccurrences(of: "\"certifiedNorm2\" : 41,", with: "\"certifiedNorm2\" : 42,")
        #expect(t2 != text)
        #expect(try EndToEndSuite.conform(Data(t2.utf8)).contains { $0.contains("case 10") && $0.contains("certified") })
    }
}
