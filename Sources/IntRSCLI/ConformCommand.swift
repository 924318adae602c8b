import ArgumentParser
import Foundation
import IntRSConformance
import IntRSCore
import IntRSReference

/// `intrs conform PACK OUTPUTS`: compares another runtime's outputs with a conformance pack and names the
/// requantization rule it follows (Vectors/conformance-pack.md).
struct ConformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Compare another runtime's outputs with a conformance pack, bit for bit, and name the rounding rule it follows.",
        discussion: """
        PACK is a directory written by `intrs vectors export`; OUTPUTS is the runtime's outputs file (format intrs-runtime-outputs, Vectors/conformance-pack.md), e.g. written by tools/conform/onnx_adapter.py. Prints, per operator and per layer: outputs compared, bit-exact count against every known rule, the histogram of differences, the first differing element with its accumulator and parameters, and the rule that explains EVERY compared output (several when the cases do not separate them), else "none of the known rules". Runs with different thread counts or batch sizes are compared with each other (determinism).

        Exit status: with --rule, 0 only when the rule asked for (for every operator, or per operator) explains every compared output of every operator in every run and the runs agree; without --rule, 0 when the outputs are well-formed (the verdict is printed). Bad or mismatched outputs (missing tensor, wrong dtype or shape, NaN or non-integer values, unknown case) stop with an error naming the file, run, case and tensor (exit 1).
        """)

    @Argument(help: "The conformance pack directory (contains pack.json).") var pack: String
    @Argument(help: "The runtime's outputs (JSON, format intrs-runtime-outputs).") var outputs: String
    @Option(help: "The rule the runtime must follow on every operator (\(Int8RequantizationRule.allCases.map(\.rawValue).joined(separator: ", "))), or one per operator: fullyConnected=float64-half-away,conv2d=double-rounding,... (OPERATOR=unasserted: compared and reported, not asserted)")
    var rule: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Also write a Markdown report to this file.") var markdown: String?

    /// The checks that read only the options (argument-parser runs this before `run`).
    func validate() throws {
        if let r = rule, Conformance.RuleExpectation.parse(r) == nil {
            throw ValidationError("--rule \(r): expected one of \(Int8RequantizationRule.allCases.map(\.rawValue).joined(separator: ", ")), or OPERATOR=RULE pairs separated by commas (RULE may be unasserted, but not for every operator)")
        }
    }

    func run() throws {
        let url = URL(fileURLWithPath: outputs)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ConformError.io(file: outputs, detail: "cannot read: \(fileReadFailureReason(path: outputs, error))")
        }
        var expect: Conformance.RuleExpectation? = nil
        if let r = rule {
            guard let e = Conformance.RuleExpectation.parse(r) else {
                throw ValidationError("--rule \(r): expected one of \(Int8RequantizationRule.allCases.map(\.rawValue).joined(separator: ", ")), or OPERATOR=RULE pairs separated by commas (RULE may be unasserted, but not for every operator)")
            }
            expect = e
        }
        let outs = try RuntimeOutputs.decode(data, file: outputs)
        let report = try Conformance.check(packDirectory: URL(fileURLWithPath: pack), outputs: outs, outputsFile: outputs, expect: expect)
        if let md = markdown {
            do { try Data(Conformance.markdown(report).utf8).write(to: URL(fileURLWithPath: md), options: .atomic) } catch {
                throw ConformError.io(file: md, detail: "cannot write the Markdown report: \(fileWriteFailureReason(path: md, error))")
            }
        }
        if json {
            print(String(decoding: try CanonicalJSON.encode(report), as: UTF8.self), terminator: "")
        } else {
            print("runtime: \(report.runtime)")
            for g in report.byOperator.groups {
                let best = g.tallies.filter(\.defined).max { $0.bitExact < $1.bitExact }
                print("  \(g.group): \(g.compared) outputs; \(g.verdict)" + (g.explainedBy.isEmpty ? "" : "") +
                      (best.map { g.explainedBy.isEmpty ? " [best \($0.rule) \($0.bitExact)/\($0.compared)]" : "" } ?? ""))
            }
            for r in report.runs { print("  run \(r.name): \(r.verdict)") }
            print("deterministic across runs: \(report.deterministic ? "yes" : "no")")
            for d in report.nondeterminism { print("  \(d)") }
            print("verdict: \(report.byOperator.verdict)")
            if let r = report.rule { print("rule \(r): \(report.conforms == true ? "CONFORMS" : "does NOT conform")") }
        }
        if report.conforms == false { throw ExitCode.failure }
    }
}

extension VectorsCommand {
    /// `intrs vectors export`: writes a conformance pack.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a conformance pack (models, inputs, expected outputs of every rounding rule) for another runtime.",
            discussion: "From a vector suite (--suite int8-rules: models whose outputs separate every pair of rules; --suite int8-ops: a small model per op and case) or from a model (--model FILE with --count random grid inputs from --seed). The pack is a directory (Vectors/conformance-pack.md), all written by this command: pack.json (format intrs-conformance-pack: tensors, float32 scales, inputs and every rounding rule's expected outputs); per model models/NAME.intrs.json (the IntRS model), models/NAME.tflite (TFLite flatbuffer), models/NAME.qlinear.onnx (QLinearConv graph) and models/NAME.qdq.onnx (QDQ graph: DequantizeLinear -> float op -> QuantizeLinear), listed with their SHA-256 under the model's exports in pack.json, an export a writer refuses being named with its reason under notExported instead; and npy/case-ID/t0.npy (the input) with npy/case-ID/RULE/tK.npy (each rule's tensors). The adapters in tools/conform/ only load these files into ONNX Runtime or LiteRT and run them; they convert nothing.")
        @Option(help: "The vectors directory.") var directory: String = "Vectors"
        @Option(help: "Export this vector suite (int8-rules or int8-ops).") var suite: String?
        @Option(help: "Export this int8 model file instead.") var model: String?
        @Option(parsing: .unconditional, help: "With --model: the number of random inputs (1 ... 10000).") var count: Int = 16
        @Option(parsing: .unconditional, help: "With --model: the seed of the random inputs (an unsigned 64-bit integer).") var seed: UInt64 = 1
        @Option(name: .shortAndLong, help: "The pack directory to write.") var output: String
        @Flag(help: "Print a JSON summary.") var json = false

        func validate() throws {
            guard (suite == nil) != (model == nil) else { throw ValidationError("give exactly one of --suite and --model") }
            guard count >= 1 && count <= 10_000 else { throw ValidationError("--count \(count): must be in 1...10000") }
        }

        func run() throws {
            let items: [ConformancePackBuilder.Item]
            let source: String
            if let s = suite {
                items = try ConformancePackBuilder.items(suite: s, vectors: URL(fileURLWithPath: directory))
                source = "vector suite \(s)"
            } else {
                items = try ConformancePackBuilder.items(model: URL(fileURLWithPath: model!), count: count, seed: seed)
                source = "model \(URL(fileURLWithPath: model!).lastPathComponent), \(count) random inputs, seed \(seed)"
            }
            let built = try ConformancePackBuilder.build(source: source, items: items)
            try ConformancePackBuilder.write(built, to: URL(fileURLWithPath: output))
            let red = built.pack.models.reduce(0) { $0 + $1.rederivedChannels }
            if json {
                print(String(decoding: try JSONEncoder().encode(["models": built.pack.models.count, "cases": built.pack.cases.count, "rederivedChannels": red]), as: UTF8.self))
            } else {
                print("wrote \(output)/pack.json: \(built.pack.models.count) models, \(built.pack.cases.count) cases" +
                      (red > 0 ? "; \(red) channels re-derive a different (M0, shift) from the float32 scales (the expected outputs use the re-derived ones)" : ""))
            }
        }
    }
}
