import Foundation
import Testing
@testable import IntRSCLI
import IntRSCore

@Suite("intrs infer and intrs model")
struct Int8CommandsTests {
    static func tempModel() throws -> (model: String, input: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-int8-cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let m = Int8ModelGenerator.randomModel(seed: 5, rounding: .double)
        let mp = dir.appendingPathComponent("m.json")
        try m.canonicalData().write(to: mp)
        let ip = dir.appendingPathComponent("in.json")
        let n = m.input.shape.reduce(1, *)
        try JSONEncoder().encode(InferInput(shape: m.input.shape, grid: (0..<n).map { $0 % 256 })).write(to: ip)
        return (mp.path, ip.path)
    }

    @Test func inferRunsForEveryImplementationWhereDefined() throws {
        let (m, i) = try Self.tempModel()
        try InferCommand.parse(["--model", m, "--input", i, "--impl", "reference"]).run()
        try InferCommand.parse(["--model", m, "--input", i, "--impl", "fast", "--json"]).run()
        try ModelCommand.Describe.parse(["--model", m, "--json"]).run()
        // The random model has no real scales: the float baseline refuses with a clear error.
        #expect(throws: (any Error).self) { try InferCommand.parse(["--model", m, "--input", i, "--impl", "float"]).run() }
    }

    @Test func badInputsAreRejected() throws {
        let (m, i) = try Self.tempModel()
        #expect(throws: (any Error).self) { try InferCommand.parse(["--model", m, "--input", i, "--impl", "gpu"]).run() }
        #expect(throws: (any Error).self) { try InferCommand.parse(["--model", i, "--input", i]).run() }
        let bad = URL(fileURLWithPath: i).deletingLastPathComponent().appendingPathComponent("bad.json")
        try Data(#"{"shape": [1], "grid": [1]}"#.utf8).write(to: bad)
        do {
            try InferCommand.parse(["--model", m, "--input", bad.path]).run()
            Issue.record("wrong shape accepted")
        } catch { #expect("\(error)".contains("field shape")) }
    }
}
