import Foundation
import Testing
@testable import IntRSCLI
@testable import IntRSRun
import IntRSCore

/// `intrs model import` and the commands that accept a `.tflite` path directly.
@Suite("intrs with .tflite models")
struct TFLiteCommandsTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let digits = root.appendingPathComponent("Sources/IntRSCLI/Resources/digits-cnn.v1.tflite").path
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/tflite")

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-tflite-cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func importWritesCanonicalJSONDeterministically() throws {
        let dir = try Self.tempDir()
        let a = dir.appendingPathComponent("a.json"), b = dir.appendingPathComponent("b.json")
        try ModelCommand.Import.parse([Self.digits, "-o", a.path]).run()
        try ModelCommand.Import.parse([Self.digits, "--output", b.path]).run()
        let da = try Data(contentsOf: a)
        #expect(da == (try Data(contentsOf: b)))
        let m = try Int8Model.load(from: a)
        #expect(try m.canonicalData() == da)
        #expect(m.layers.map(\.op) == ["conv2d", "maxPool2d", "conv2d", "reshape", "fullyConnected"])
    }

    @Test func refusedImportWritesNothing() throws {
        let dir = try Self.tempDir()
        let out = dir.appendingPathComponent("never.json")
        let bad = Self.fixtures.appendingPathComponent("refuse-concat-requantize.tflite").path
        let e = CLITest.errorMessage(["model", "import", bad, "-o", out.path])
        #expect(e?.contains("operator 1 (CONCATENATION)") == true, "\(e ?? "accepted")")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func inferAndDescribeAcceptTFLite() throws {
        let dir = try Self.tempDir()
        let ip = dir.appendingPathComponent("in.json")
        try JSONEncoder().encode(InferInput(shape: [8, 8, 1], grid: (0..<64).map { $0 % 17 })).write(to: ip)
        try InferCommand.parse(["--model", Self.digits, "--input", ip.path, "--impl", "reference"]).run()
        try InferCommand.parse(["--model", Self.digits, "--input", ip.path, "--impl", "fast", "--json"]).run()
        try ModelCommand.Describe.parse(["--model", Self.digits]).run()
        try ModelCommand.Describe.parse(["--model", Self.digits, "--json"]).run()
        // A truncated .tflite: a clear error naming the file.
        let t = dir.appendingPathComponent("trunc.tflite")
        try Data(try Data(contentsOf: URL(fileURLWithPath: Self.digits)).prefix(100)).write(to: t)
        let e = CLITest.errorMessage(["infer", "--model", t.path, "--input", ip.path])
        #expect(e?.contains(t.path) == true && e?.contains("malformed .tflite") == true, "\(e ?? "accepted")")
    }
}
