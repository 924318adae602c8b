import ArgumentParser
import Foundation
import IntRSCore
import IntRSReference
import IntRSFloatBaseline
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

/// The input file as written: `grid` is decoded as JSON numbers (Double) so that a non-integer (`1.5`) or an
/// out-of-range value (`1e30`) is reported by index and value instead of as "not valid JSON".
struct InferInputFile: Decodable {
    var shape: [Int]
    var grid: [Double]

    /// The checked input, or an error naming `grid[i] = value` for the first value that is not an integer
    /// in [-2^31, 2^31) (NaN cannot occur in JSON; every double that is in range is checked for integrality).
    func checked() throws(InferInputError) -> InferInput {
        var g: [Int] = []
        g.reserveCapacity(grid.count)
        for (i, v) in grid.enumerated() {
            guard v.isFinite, v.rounded(.towardZero) == v, v >= -2147483648, v < 2147483648 else {
                throw InferInputError(index: i, value: v)
            }
            g.append(Int(v))
        }
        return InferInput(shape: shape, grid: g)
    }
}

/// A grid value that is not an integer in [-2^31, 2^31).
struct InferInputError: Error, CustomStringConvertible {
    var index: Int
    var value: Double
    var description: String {
        let shown = value.rounded(.towardZero) == value && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        return "field grid[\(index)] = \(shown): not an integer in [-2^31, 2^31)"
    }
}

/// The evaluator `intrs infer --impl` uses. Typed, so argument-parser lists the values in `--help` and refuses any
/// other value while parsing (exit 64, naming the option, the value and the values allowed).
enum InferImpl: String, CaseIterable, ExpressibleByArgument {
    /// ReferenceInt8Evaluator: the exact definition (rejects any int32 overflow).
    case reference
    /// FastInt8Evaluator: the batched SIMD runtime, bit-identical to reference.
    case fast
    /// FloatEvaluator: the float32 baseline (not exact).
    case float
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
        batched SIMD runtime (bit-identical to reference); float is the float32 baseline (not exact), using the \
        model's stored float weights, or dequantized int8 weights where none are stored (reported on stderr and as \
        "floatWeights": "stored" | "dequantized" | "mixed" in --json). A grid value that is not an integer in \
        [-2^31, 2^31) is an error naming its index and value.
        """)

    @Option(help: "The model file (format intrs-int8-model v1, see Vectors/model-format.md).")
    var model: String
    @Option(help: "The input file: JSON {\"shape\": [...], \"grid\": [integers]} in grid units.")
    var input: String
    @Option(help: "The evaluator: reference (exact definition), fast (SIMD runtime, bit-identical to reference) or float (float32 baseline, not exact).")
    var impl: InferImpl = .fast
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let m: Int8Model
        do { m = try Int8ModelFile.load(from: URL(fileURLWithPath: model)) } catch { throw ValidationError("--model: \(error)") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: input)) } catch {
            throw ValidationError("--input \(input): cannot read: \(fileReadFailureReason(path: input, error))")
        }
        let raw: InferInputFile
        do { raw = try JSONDecoder().decode(InferInputFile.self, from: data) } catch {
            throw ValidationError("--input \(input): malformed input file: \(describeDecodingErrorForCLI(error)) (expected {\"shape\": [...], \"grid\": [integers]})")
        }
        let x: InferInput
        do { x = try raw.checked() } catch { throw ValidationError("--input \(input): \(error)") }
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
        var floatWeights: String? = nil
        switch impl {
        case .reference:
            do {
                let e = try ReferenceInt8Evaluator.evaluate(net, grid: x.grid)
                logitStrings = e.logits.map { "\($0)" }; cls = e.classIndex
            } catch { throw ValidationError("reference evaluation rejected the input: \(error)") }
        case .fast:
            let l = FastInt8Evaluator(network: net).logits(grid: x.grid.map { Int32($0) })
            logitStrings = l.map { "\($0)" }
            cls = l.indices.reduce(0) { l[$1] > l[$0] ? $1 : $0 }
        case .float:
            let fe: FloatEvaluator
            do { fe = try FloatEvaluator(network: net) } catch { throw ValidationError("--impl float: \(error)") }
            floatWeights = Self.floatWeightsSource(net)
            if floatWeights != "stored" {
                let what = floatWeights == "dequantized" ? "the model stores no float weights" : "the model stores float weights for only some layers"
                FileHandle.standardError.write(Data("note: --impl float: \(what); using dequantized int8 weights (w = S_w * q_w, b = S_in * S_w * q_b) where absent\n".utf8))
            }
            let l = fe.logits(grid: x.grid.map { Float($0) })
            logitStrings = l.map { "\($0)" }
            cls = l.indices.reduce(0) { l[$1] > l[$0] ? $1 : $0 }
        }
        let label = m.classLabels?[cls]
        if json {
            // int8 logits are JSON integers; float32 logits JSON numbers (shortest round-trip decimal).
            // floatWeights (float only): "stored" | "dequantized" | "mixed" — where the baseline's weights came from.
            struct Out: Encodable { var impl: String; var logits: [Double]; var logitsType: String; var `class`: Int; var label: String?; var rounding: String; var floatWeights: String? }
            print(try CanonicalJSON.line(Out(impl: impl.rawValue, logits: logitStrings.map { Double($0)! }, logitsType: impl == .float ? "float32" : "int8",
                                             class: cls, label: label, rounding: m.rounding.rawValue, floatWeights: floatWeights)))
        } else {
            print("impl: \(impl.rawValue)\(impl == .float ? " (float32 baseline, not exact; weights \(floatWeights ?? "stored"))" : " (int8, rounding \(m.rounding.rawValue))")")
            print("logits: [\(logitStrings.joined(separator: ", "))]")
            print("class: \(cls)\(label.map { " (\($0))" } ?? "")")
        }
    }
}

extension InferCommand {
    /// Where the float baseline's weights come from: "stored" when every conv/fully connected layer stores
    /// floatFilter and floatBias, "dequantized" when none does, "mixed" otherwise (FloatEvaluator dequantizes
    /// per tensor whatever is absent).
    static func floatWeightsSource(_ net: Int8Network) -> String {
        var stored = 0, total = 0
        for L in net.layers {
            switch L.kind {
            case .conv(let p): total += 2; stored += (p.floatFilter != nil ? 1 : 0) + (p.floatBias != nil ? 1 : 0)
            case .fullyConnected(let p): total += 2; stored += (p.floatFilter != nil ? 1 : 0) + (p.floatBias != nil ? 1 : 0)
            default: break
            }
        }
        return stored == total ? "stored" : stored == 0 ? "dequantized" : "mixed"
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
