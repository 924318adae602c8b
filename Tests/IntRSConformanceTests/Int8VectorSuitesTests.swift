import Foundation
import Testing
import IntRSConformance

@Suite("int8 vector suites regenerate and conform")
struct Int8VectorSuitesTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors")

    @Test(arguments: ["int8-rescale", "int8-ops", "int8-models", "int8-rules"])
    func regeneratesAndConforms(suite: String) {
        let problems = Vectors.check(directory: Self.vectors, only: [suite])
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    /// conform catches a wrong expectation (a tampered file).
    @Test func conformCatchesATamperedExpectation() throws {
        let data = try Data(contentsOf: Self.vectors.appendingPathComponent("int8-ops.v1.json"))
        var text = String(decoding: data, as: UTF8.self)
        let needle = "\"output\" : [\n            61,"
        #expect(text.contains(needle))
        text = text.replacingOccurrences(of: needle, with: "\"output\" : [\n            60,")
        let problems = try Int8OpsSuite.conform(Data(text.utf8))
        #expect(!problems.isEmpty)
    }
}
