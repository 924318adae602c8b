import ArgumentParser
import Foundation
import IntRSCore
import IntRSReference
import IntRSRuntime

/// The input file of `intrs infer`: one input in grid units.
///
///     {"shape": [32, 32, 3], "grid": [12, 250, ...]}
///
/// `shape` must equal the model's `input.shape`; `grid` holds product(shape) integers (grid values, e.g.
/// 8-bit pixels, possibly plus integer noise; any value in int32 is accepted and clipped by the model's
/// input stage) in row-major (HWC) order.
struct InferInput: Codable {
    var shape: [Int]
    var grid: [Int]
}

struct InferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Classify one input with an int8 model (reference, fast, or the float32 baseline).",
        discussion: """
        Units: the input is in grid units (one step of the integer input grid, e.g. one 8-bit pixel level). \
        It enters the network as q = clamp(zeroPoint + gridMultiplier * g, -128, 127); the clipping is part of \
        the classifier. Input file: JSON {"shape": [H, W, C], "grid": [integers, row-major HWC]}. \
        Prints the logits (int8 for reference/fast, float32 for float) and the class (ArgMax, lowest index \
        wins ties). --impl reference is the exact definition (rejects any int32 overflow); fast is the \
        batched SIMD runtime (bit-identical to reference); float is the float32 baseline (not exact).
        """)

    @Option(help: "The model file (format intrs-int8-model v1, see Vectors/model-format.md).")
    var model: String
    @Option(help: "The input file: JSON {\"shape\": [...], \"grid\": [integers]} in grid units.")
    var input: String
    @Option(help: "reference | fast | float")
    var impl: String = "fast"
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        guard ["reference", "fast", "float"].contains(impl) else {
            throw ValidationError("--impl \"\(impl)\": expected reference, fast or float")
        }
        let m: Int8Model
        do { m = try Int8Model.load(from: URL(fileURLWithPath: model)) } catch { throw ValidationError("--model: \(error)") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: input)) } catch {
            throw ValidationError("--input \(input): cannot read: \(error.localizedDescription)")
        }
        let x: InferInput
        do { x = try JSONDecoder().decode(InferInput.self, from: data) } catch {
            throw ValidationError("--input \(input): malformed input file: \(describeDecodingErrorForCLI(error)) (expected {\"shape\": [...], \"grid\": [integers]})")
        }
        guard x.shape == m.input.shape else {
            throw ValidationError("--input \(input): field shape = \(x.shape): the model expects \(m.input.shape)")
        }
        let n = m.input.shape.reduce(1, *)
        guard x.grid.count == n else {
            throw ValidationError("--input \(input): field grid has \(x.grid.count) values: expected \(n) (product of shape)")
        }
        if let i = x.grid.firstIndex(where: { $0 < Int(Int32.min) || $0 > Int(Int32.max) }) {
            throw ValidationError("--input \(input): field grid[\(i)] = \(x.grid[i]): outside int32")
        }
        let net = try m.validated(file: model)
        var logitStrings: [String] = []
        var cls = 0
        switch impl {
        case "reference":
            do {
                let e = try Int8ReferenceEvaluator.evaluate(net, grid: x.grid)
                logitStrings = e.logits.map { "\($0)" }; cls = e.classIndex
            } catch { throw ValidationError("reference evaluation rejected the input: \(error)") }
        case "fast":
            let l = FastInt8Evaluator(network: net).logits(grid: x.grid.map { Int32($0) })
            logitStrings = l.map { "\($0)" }
            cls = l.indices.reduce(0) { l[$1] > l[$0] ? $1 : $0 }
        default:
            let fe: FloatEvaluator
            do { fe = try FloatEvaluator(network: net) } catch { throw ValidationError("--impl float: \(error)") }
            let l = fe.logits(grid: x.grid.map { Float($0) })
            logitStrings = l.map { "\($0)" }
            cls = l.indices.reduce(0) { l[$1] > l[$0] ? $1 : $0 }
        }
        let label = m.classLabels?[cls]
        if json {
            // int8 logits are JSON integers; float32 logits JSON numbers (shortest round-trip decimal).
            struct Out: Encodable { var impl: String; var logits: [Double]; var logitsType: String; var `class`: Int; var label: String?; var rounding: String }
            print(try CanonicalJSON.line(Out(impl: impl, logits: logitStrings.map { Double($0)! }, logitsType: impl == "float" ? "float32" : "int8",
                                             class: cls, label: label, rounding: m.rounding.rawValue)))
        } else {
            print("impl: \(impl)\(impl == "float" ? " (float32 baseline, not exact)" : " (int8, rounding \(m.rounding.rawValue))")")
            print("logits: [\(logitStrings.joined(separator: ", "))]")
            print("class: \(cls)\(label.map { " (\($0))" } ?? "")")
        }
    }
}

func describeDecodingErrorForCLI(_ error: any Error) -> String {
    guard let e = error as? DecodingError else { return "\(error)" }
    func path(_ p: [any CodingKey]) -> String {
        p.isEmpty ? "(top level)" : p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch e {
    case .typeMismatch(let t, let c): return "field \(path(c.codingPath)): expected \(t)"
    case .valueNotFound(let t, let c): return "field \(path(c.codingPath)): missing \(t)"
    case .keyNotFound(let k, let c): return "field \(path(c.codingPath + [k])): missing"
    case .dataCorrupted(let c): return "field \(path(c.codingPath)): \(c.debugDescription)"
    @unknown default: return "\(error)"
    }
}
