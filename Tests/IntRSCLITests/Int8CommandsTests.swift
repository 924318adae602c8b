import Foundation
import Testing
@testable import IntRSCLI
@testable import IntRSRun
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

    /// Valid JSON with a non-integer or out-of-range grid value: the error names the index and the value.
    @Test(arguments: [("1.5", "field grid[3] = 1.5: not an integer in [-2^31, 2^31)"),
                      ("1e30", "field grid[3] = 1e+30: not an integer"),
                      ("2147483648", "field grid[3] = 2147483648: not an integer in [-2^31, 2^31)"),
                      ("-2147483649", "field grid[3] = -2147483649: not an integer")])
    func nonIntegerGridValuesAreNamed(_ value: String, _ fragment: String) throws {
        let (m, i) = try Self.tempModel()
        let model = try Int8Model.load(from: URL(fileURLWithPath: m))
        let n = model.input.shape.reduce(1, *)
        var grid = (0..<n).map { "\($0 % 256)" }
        grid[3] = value
        let bad = URL(fileURLWithPath: i).deletingLastPathComponent().appendingPathComponent("grid.json")
        try Data("{\"shape\": \(model.input.shape), \"grid\": [\(grid.joined(separator: ", "))]}".utf8).write(to: bad)
        do {
            try InferCommand.parse(["--model", m, "--input", bad.path]).run()
            Issue.record("grid value \(value) accepted")
        } catch { #expect("\(error)".contains(fragment), "\(error)") }
        // Extreme int32 values are accepted (the input stage clips them).
        grid[3] = "-2147483648"; grid[4] = "2147483647"
        try Data("{\"shape\": \(model.input.shape), \"grid\": [\(grid.joined(separator: ", "))]}".utf8).write(to: bad)
        try InferCommand.parse(["--model", m, "--input", bad.path, "--impl", "reference"]).run()
    }

    @Test func floatWeightsSourceIsReported() throws {
        let m = Int8ModelGenerator.randomModel(seed: 5, rounding: .double)
        let net = try m.validated(file: "m.json")
        #expect(InferCommand.floatWeightsSource(net) == "dequantized")
    }
}

