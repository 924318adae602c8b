import Foundation
import IntRSCore
import IntRSReference

/// A tensor as the runner protocol carries it: name, dtype, shape and row-major values (Vectors/conformance-pack.md).
public struct PackTensor: Codable, Sendable, Equatable {
    public var dtype: String
    public var shape: [Int]
    public var data: [Int]
    public init(dtype: String = "int8", shape: [Int], data: [Int]) { self.dtype = dtype; self.shape = shape; self.data = data }
}

/// A float32 written exactly (dyadic rational and IEEE bits): the scales a runtime must use.
public typealias PackFloat32 = Int8RulesSuite.Float32Text

/// The conformance pack manifest, `pack.json`: format "intrs-conformance-pack", version 1
/// (Vectors/conformance-pack.md, schema Vectors/conformance-pack.v1.schema.json).
public struct ConformancePack: Codable, Sendable {
    public static let formatName = "intrs-conformance-pack"
    public var format: String
    public var version: Int
    public var generator: VectorGenerator
    /// What the pack was made from ("vector suite int8-rules", "model path/to/model.json").
    public var source: String
    public var rules: [Rule]
    public var models: [Model]
    public var cases: [Case]

    public struct Rule: Codable, Sendable { public var name: String; public var summary: String }

    /// One tensor of a model: tensor 0 is the int8 input ("t0"), tensor i + 1 the output of layer i ("t<i+1>").
    public struct TensorInfo: Codable, Sendable {
        public var name: String
        /// The layer that writes it (absent for the input).
        public var layer: Int?
        public var op: String?
        public var dtype: String
        /// With the batch dimension 1 first: [1, H, W, C] or [1, n].
        public var shape: [Int]
        public var scale: PackFloat32
        public var zeroPoint: Int
    }

    public struct Model: Codable, Sendable {
        public var name: String
        /// The IntRS model file (intrs-int8-model v1), relative to the pack directory.
        public var file: String
        /// SHA-256 of that file's bytes.
        public var sha256: String
        public var tensors: [TensorInfo]
        /// The output tensor every runtime must return (the last one).
        public var output: String
        /// Per layer with weights: the float32 filter scales the exported model carries (one per output channel).
        public var filterScales: [String: [PackFloat32]]
        /// Channels whose (M0, shift) re-derived from the float32 scales (TFLite QuantizeMultiplier) differ from
        /// the model's: the integer rules in `expected` use the re-derived ones (what a runtime loading the
        /// exported file computes).
        public var rederivedChannels: Int
        /// Whether the scales were stated by the model or synthesised (activation scales 1).
        public var statedScales: Bool
        /// The model written in runtime formats ("tflite", "onnx-qlinear", "onnx-qdq"), each a file relative
        /// to the pack directory with its SHA-256 (absent in packs written before these formats existed).
        public var exports: [ExportedFile]?
        /// Formats this model could not be written in, with the reason (e.g. a clamp no TFLite fused
        /// activation gives).
        public var notExported: [String: String]?
    }

    /// A model file in a runtime format.
    public struct ExportedFile: Codable, Sendable, Equatable {
        public var format: String
        public var file: String
        public var sha256: String
    }

    public struct Case: Codable, Sendable {
        public var id: Int
        public var model: String
        public var flags: [String]
        public var separates: [String]
        /// Inputs by tensor name ("t0").
        public var inputs: [String: PackTensor]
        /// Per rule: every tensor the rule gives ("t1" ... ). A rule absent here is not defined for this case
        /// (see `undefined`).
        public var expected: [String: [String: PackTensor]]
        /// Rules not defined for this case, with the reason.
        public var undefined: [String: String]
    }

    public init(source: String, models: [Model], cases: [Case]) {
        self.format = Self.formatName
        self.version = 1
        self.generator = VectorGenerator(name: "intrs vectors export")
        self.source = source
        self.rules = Int8RequantizationRule.allCases.map { Rule(name: $0.rawValue, summary: $0.summary) }
        self.models = models
        self.cases = cases
    }
}

/// Errors of export and conform: each names the file and, where there is one, the tensor.
public enum ConformError: Error, CustomStringConvertible {
    case io(file: String, detail: String)
    case malformed(file: String, detail: String)
    case mismatch(file: String, where: String, detail: String)

    public var description: String {
        switch self {
        case .io(let f, let d): return "\(f): \(d)"
        case .malformed(let f, let d): return "\(f): malformed: \(d)"
        case .mismatch(let f, let w, let d): return "\(f): \(w): \(d)"
        }
    }
}

/// Builds conformance packs.
public enum ConformancePackBuilder {
    /// A model and its inputs (quantized int8 input tensors), with case metadata.
    public struct Item {
        public var model: Int8Model
        public var inputs: [[Int]]
        public var flags: [String]
        public var separates: [String]
        public init(model: Int8Model, inputs: [[Int]], flags: [String] = [], separates: [String] = []) {
            self.model = model; self.inputs = inputs; self.flags = flags; self.separates = separates
        }
    }

    static func batched(_ shape: [Int]) -> [Int] { [1] + shape }

    /// Builds the pack in memory: the manifest and the model files (relative path -> bytes).
    public static func build(source: String, items: [Item]) throws -> (pack: ConformancePack, files: [String: Data]) {
        var models: [ConformancePack.Model] = [], cases: [ConformancePack.Case] = [], files: [String: Data] = [:]
        var id = 1
        var usedNames = Set<String>()
        for (k, it) in items.enumerated() {
            var name = (it.model.name ?? "model").map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }.reduce("") { $0 + String($1) }
            if usedNames.contains(name) { name += "-\(k + 1)" }
            usedNames.insert(name)
            let bytes = try it.model.canonicalData()
            let file = "models/\(name).intrs.json"
            files[file] = bytes
            let net = try it.model.validated(file: file)
            let plan = try Int8RequantizationPlan(net, multipliers: .fromScales)
            var tensors: [ConformancePack.TensorInfo] = []
            for t in net.tensorShapes.indices {
                let L = t == 0 ? nil : net.layers[t - 1]
                tensors.append(.init(name: "t\(t)", layer: L?.index, op: L?.op, dtype: "int8", shape: batched(net.tensorShapes[t]),
                                     scale: PackFloat32(plan.tensorScales[t]), zeroPoint: Int(net.tensorZeroPoints[t])))
            }
            var fs: [String: [PackFloat32]] = [:]
            for (l, row) in plan.filterScales.enumerated() where !row.isEmpty { fs["\(l)"] = row.map { PackFloat32($0) } }
            var exports: [ConformancePack.ExportedFile] = [], notExported: [String: String] = [:]
            for (format, bytes) in runtimeFiles(it.model, plan: plan, notExported: &notExported) {
                let rel = "models/\(name).\(format == "tflite" ? "tflite" : String(format.dropFirst("onnx-".count)) + ".onnx")"
                files[rel] = Data(bytes)
                exports.append(.init(format: format, file: rel, sha256: SHA256.hex(Data(bytes))))
            }
            models.append(.init(name: name, file: file, sha256: SHA256.hex(bytes), tensors: tensors, output: "t\(net.tensorShapes.count - 1)",
                                filterScales: fs, rederivedChannels: plan.rederived.count, statedScales: plan.statedScales,
                                exports: exports, notExported: notExported))
            for x in it.inputs {
                var expected: [String: [String: PackTensor]] = [:], undefined: [String: String] = [:]
                for rule in Int8RequantizationRule.allCases {
                    do {
                        let t = try Int8RuleEvaluator.evaluate(net, quantizedInput: x, rule: rule, plan: plan)
                        var m: [String: PackTensor] = [:]
                        for i in 1..<t.count { m["t\(i)"] = PackTensor(shape: batched(net.tensorShapes[i]), data: t[i]) }
                        expected[rule.rawValue] = m
                    } catch {
                        undefined[rule.rawValue] = "\(error)"
                    }
                }
                // The runner protocol's .npy files (Vectors/conformance-pack.md): the input, and every tensor per rule.
                files["npy/case-\(id)/t0.npy"] = NpyFile.encodeInt8(x, shape: batched(net.tensorShapes[0]))
                for (rule, ts) in expected { for (t, v) in ts { files["npy/case-\(id)/\(rule)/\(t).npy"] = NpyFile.encodeInt8(v.data, shape: v.shape) } }
                cases.append(.init(id: id, model: name, flags: it.flags, separates: it.separates,
                                   inputs: ["t0": PackTensor(shape: batched(net.tensorShapes[0]), data: x)],
                                   expected: expected, undefined: undefined))
                id += 1
            }
        }
        return (ConformancePack(source: source, models: models, cases: cases), files)
    }

    /// The model in the runtime formats (format name -> bytes), with the plan's float32 scales; a format the
    /// model cannot be written in goes to `notExported` with the reason.
    static func runtimeFiles(_ model: Int8Model, plan: Int8RequantizationPlan, notExported: inout [String: String]) -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        do {
            out.append(("tflite", try TFLiteWriter.write(model, tensorScales: plan.tensorScales, filterScales: plan.filterScales,
                                                         description: "IntRS conformance pack model \(model.name ?? "") (intrs vectors export)")))
        } catch {
            notExported["tflite"] = "\(error)"
        }
        for form in ONNXWriter.Form.allCases {
            do {
                out.append((form.rawValue, try ONNXWriter.write(model, tensorScales: plan.tensorScales, filterScales: plan.filterScales,
                                                                form: form, name: model.name ?? "model")))
            } catch {
                notExported[form.rawValue] = "\(error)"
            }
        }
        return out
    }

    /// Writes the pack into `directory` (created if needed): pack.json, models/ and npy/.
    public static func write(_ built: (pack: ConformancePack, files: [String: Data]), to directory: URL) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory.appendingPathComponent("models"), withIntermediateDirectories: true)
            for (rel, data) in built.files.sorted(by: { $0.key < $1.key }) {
                let url = directory.appendingPathComponent(rel)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url, options: .atomic)
            }
            try CanonicalJSON.encode(built.pack).write(to: directory.appendingPathComponent("pack.json"), options: .atomic)
        } catch {
            throw ConformError.io(file: directory.path, detail: "cannot write the pack: \(fileWriteFailureReason(path: directory.path, error))")
        }
    }

    /// The items of a vector suite: `int8-rules` (its models group) or `int8-ops` (every case).
    public static func items(suite: String, vectors: URL) throws -> [Item] {
        switch suite {
        case Int8RulesSuite.name:
            let url = vectors.appendingPathComponent(Int8RulesSuite.fileName)
            let f = try VectorFile<Int8RulesSuite.Parameters, Int8RulesSuite.Case>.decode(try readFile(url), file: url.path)
            return f.allCases.compactMap { g, c in
                guard g.parameters.kind == "models", let m = c.model, let x = c.input else { return nil }
                return Item(model: m, inputs: [x], flags: c.flags, separates: c.separates)
            }
        case Int8OpsSuite.name:
            let url = vectors.appendingPathComponent(Int8OpsSuite.fileName)
            let f = try VectorFile<NoParameters, Int8OpsSuite.Case>.decode(try readFile(url), file: url.path)
            return try f.allCases.map { _, c in
                let net = try c.model.validated(file: url.path)
                return Item(model: c.model, inputs: [Int8RuleEvaluator.quantize(net, grid: c.grid)], flags: [c.comment])
            }
        default:
            throw ConformError.malformed(file: suite, detail: "no export for suite \(suite) (available: \(Int8RulesSuite.name), \(Int8OpsSuite.name))")
        }
    }

    /// A model with `count` random grid inputs drawn from `seed` (Int8ModelGenerator.randomGrid).
    public static func items(model url: URL, count: Int, seed: UInt64) throws -> [Item] {
        let m = try Int8Model.load(from: url)
        let net = try m.validated(file: url.path)
        var r = Int8SplitMix64(seed: seed)
        let xs = (0..<count).map { _ in Int8RuleEvaluator.quantize(net, grid: Int8ModelGenerator.randomGrid(&r, model: m)) }
        return [Item(model: m, inputs: xs)]
    }

    static func readFile(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw ConformError.io(file: url.path, detail: "cannot read: \(fileReadFailureReason(path: url.path, error))")
        }
    }
}
