import ArgumentParser
import Foundation
import IntRSCore

extension RescaleRounding: ExpressibleByArgument {}

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Describe an int8 model, or generate the benchmark model.",
        discussion: "`intrs model --model M` describes M (the default subcommand `describe`).",
        subcommands: [Describe.self, Import.self, GenerateBenchmark.self],
        defaultSubcommand: Describe.self)

    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Layers, shapes, parameter counts, multiply-adds per inference and the rounding variant of a model.",
            discussion: """
            Units: shapes are [H, W, C] (NHWC, batch 1) or [n]; parameters count int8 weights and int32 biases; \
            multiply-adds (MACs) are per inference (one input), counting conv/depthwise/fully connected only.
            """)
        @Option(help: "The model file (format intrs-int8-model v1, or a .tflite file, imported on the fly).")
        var model: String
        @Flag(help: "Print the result as JSON.") var json = false

        struct LayerInfo: Encodable {
            var index: Int; var op: String; var name: String?; var inputs: [Int]; var outputShape: [Int]
            var weights: Int; var biases: Int; var multiplyAdds: Int; var activation: String; var clamp: [Int]
            var outputZeroPoint: Int
            /// For an imported .tflite: the source operator ("3 CONV_2D") and where LiteRT's reference kernel
            /// deviates from the layer's integer-only semantics ("none": bit-exact under double rounding).
            var tfliteOperator: String?; var tfliteDeviation: String?
        }
        struct Info: Encodable {
            var file: String; var format: String; var version: Int; var name: String?; var rounding: String
            var inputShape: [Int]; var inputZeroPoint: Int; var gridMultiplier: Int; var classes: Int
            var layers: [LayerInfo]; var parameters: Int; var multiplyAddsPerInference: Int
        }

        func run() throws {
            let m: Int8Model
            do { m = try Int8ModelFile.load(from: URL(fileURLWithPath: model)) } catch { throw ValidationError("--model: \(error)") }
            let net = try m.validated(file: model)
            var imported: TFLiteImport? = nil
            if let d = try? Data(contentsOf: URL(fileURLWithPath: model)), Int8ModelFile.isTFLite(d) {
                imported = try TFLiteImporter.importModel([UInt8](d), file: model)
            }
            let macs = Int8BenchmarkModel.multiplyAdds(net)
            var layers: [LayerInfo] = []
            for (i, L) in m.layers.enumerated() {
                let w = L.filter.map { $0.shape.reduce(1, *) } ?? 0
                let b = L.filter == nil ? 0 : (L.bias.map { $0.shape.reduce(1, *) } ?? 0)
                layers.append(LayerInfo(index: i, op: L.op, name: L.name, inputs: net.layers[i].inputs, outputShape: net.layers[i].outputShape,
                                        weights: w, biases: b, multiplyAdds: macs[i], activation: net.layers[i].fusedActivation,
                                        clamp: [Int(net.layers[i].activationMin), Int(net.layers[i].activationMax)],
                                        outputZeroPoint: Int(net.layers[i].outputZeroPoint),
                                        tfliteOperator: imported.map { "\($0.sourceOperators[i]) \($0.sourceOperatorNames[i])" },
                                        tfliteDeviation: imported.map { $0.deviations[i] ?? "none" }))
            }
            let info = Info(file: model, format: m.format, version: m.version, name: m.name, rounding: m.rounding.rawValue,
                            inputShape: m.input.shape, inputZeroPoint: m.input.zeroPoint, gridMultiplier: m.input.gridMultiplier,
                            classes: net.classCount, layers: layers,
                            parameters: layers.reduce(0) { $0 + $1.weights + $1.biases }, multiplyAddsPerInference: macs.reduce(0, +))
            if json { print(String(decoding: try CanonicalJSON.encode(info), as: UTF8.self), terminator: ""); return }
            print("model \(model): \(m.name ?? "(unnamed)"), \(m.format) v\(m.version), rounding \(m.rounding.rawValue)")
            print("input \(m.input.shape), zeroPoint \(m.input.zeroPoint), gridMultiplier \(m.input.gridMultiplier) (q = clamp(\(m.input.zeroPoint) + \(m.input.gridMultiplier) * g, -128, 127))")
            for l in layers {
                let pad = l.op.padding(toLength: 16, withPad: " ", startingAt: 0)
                print("  [\(l.index)] \(pad) in \(l.inputs) -> \(l.outputShape)  params \(l.weights + l.biases)  MACs \(l.multiplyAdds)  \(l.activation) clamp \(l.clamp)\(l.name.map { "  (\($0))" } ?? "")")
                if let op = l.tfliteOperator {
                    print("      from TFLite operator \(op); LiteRT reference kernel: \(l.tfliteDeviation.map { $0 == "none" ? "bit-exact with this layer (double rounding)" : "DEVIATES: " + $0 } ?? "")")
                }
            }
            for n in imported?.notes ?? [] { print("note: \(n)") }
            print("classes \(info.classes); parameters \(info.parameters); multiply-adds per inference \(info.multiplyAddsPerInference)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a .tflite int8 model as an intrs-int8-model JSON file (deterministic bytes).",
            discussion: """
            Reads subgraph 0 of a TFLite FlatBuffer (schema version 3) and maps CONV_2D, DEPTHWISE_CONV_2D, \
            FULLY_CONNECTED, ADD, AVERAGE_POOL_2D, MAX_POOL_2D and RESHAPE with fused NONE/RELU/RELU6, a leading \
            float32 -> int8 QUANTIZE (the grid value is g = x / S) and a trailing DEQUANTIZE (ArgMax before it). \
            Multipliers are TFLite's QuantizeMultiplier of the stored float32 scales (Proofs/int8-rescale.md). \
            Anything else is refused with the operator's index, name and the reason, and nothing is written. \
            See Vectors/model-format.md, "Importing TFLite".
            """)
        @Argument(help: "The .tflite file.") var tfliteFile: String
        @Option(name: .shortAndLong, help: "Where to write the JSON model (default: standard output).") var output: String?

        func run() throws {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: tfliteFile)) } catch {
                throw CLIError("\(tfliteFile): cannot read model file: \(fileReadFailureReason(path: tfliteFile, error))")
            }
            let result: TFLiteImport
            do { result = try TFLiteImporter.importModel([UInt8](data), file: tfliteFile) } catch { throw CLIError("\(error)") }
            let bytes = try result.model.canonicalData()
            guard let output else { FileHandle.standardOutput.write(bytes); return }
            do { try bytes.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw CLIError("-o \(output): cannot write: \(fileWriteFailureReason(path: output, error))")
            }
            FileHandle.standardError.write(Data("wrote \(output) (\(bytes.count) bytes, \(result.model.layers.count) layers)\n".utf8))
        }
    }

    /// `--rounding` is typed: argument-parser lists the values in `--help` and refuses any other value while parsing
    /// (exit 64, naming the option, the value and the values allowed).
    struct GenerateBenchmark: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-benchmark",
            abstract: "Write the CIFAR-10-shaped benchmark CNN (32x32x3, random weights) for a seed; deterministic bytes.",
            discussion: "conv3x3 3->32, conv3x3 32->32, maxpool, conv3x3 32->64, conv3x3 64->64, maxpool, fc 4096->256, fc 256->10, ReLU between. The committed file is Benchmarks/cifar-cnn.model.json (seed 1).")
        @Option(parsing: .unconditional, help: "The seed (unsigned 64-bit integer).") var seed: UInt64 = 1
        @Option(help: "Where to write the model file.") var output: String
        @Option(help: "Rescale rounding variant: double (TFLite's default, gemmlowp) or single (TFLITE_SINGLE_ROUNDING).") var rounding: RescaleRounding = .double
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let m = Int8BenchmarkModel.cifarCNN(seed: seed, rounding: rounding)
            _ = try m.validated(file: output)
            let data = try m.canonicalData()
            do { try data.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw ValidationError("--output \(output): cannot write: \(fileWriteFailureReason(path: output, error))")
            }
            if json { print(try CanonicalJSON.line(["written": output, "bytes": "\(data.count)"])) } else { print("wrote \(output) (\(data.count) bytes)") }
        }
    }
}
