import Foundation
import Testing
import IntRSConformance

@Suite("int8 vector suites regenerate and conform")
struct Int8VectorSuitesTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors")

    @Test(arguments: ["int8-rescale", "int8-ops", "int8-models", "int8-rules", "tflite-quantize-multiplier"])
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

    /// tflite-quantize-multiplier: conform catches a wrong M0, and a derivation whose scales give another double.
    @Test func quantizeMultiplierConformCatchesTampering() throws {
        let data = try Data(contentsOf: Self.vectors.appendingPathComponent("tflite-quantize-multiplier.v1.json"))
        let text = String(decoding: data, as: UTF8.self)
        #expect(try TFLiteQuantizeMultiplierSuite.conform(data).isEmpty)
        // Case 3 is 0.75: M0 = 1610612736.
        let wrongM = text.replacingOccurrences(of: "\"multiplier\" : 1610612736,", with: "\"multiplier\" : 1610612737,")
        let p1 = try TFLiteQuantizeMultiplierSuite.conform(Data(wrongM.utf8))
        #expect(wrongM != text && !p1.isEmpty)
        let wrongScale = text.replacingOccurrences(of: "\"3aca41c6\"", with: "\"3aca41c7\"")
        let p2 = try TFLiteQuantizeMultiplierSuite.conform(Data(wrongScale.utf8))
        #expect(wrongScale != text && !p2.isEmpty)
    }
}
