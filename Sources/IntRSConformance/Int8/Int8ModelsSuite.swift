import Foundation
import IntRSCore
import IntRSReference
import IntRSRuntime

/// `int8-models` v1: small whole models (embedded) with inputs and the expected logits and class
/// (reference evaluator), for both rounding variants; and invalid models that every implementation must
/// reject, with the field the error must name. `conform` runs `FastInt8Evaluator` and the validator.
public enum Int8ModelsSuite: VectorSuite {
    public static let name = "int8-models"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var comment: String
        /// The model as a JSON object (valid cases and invalid cases that still parse).
        public var model: Int8Model?
        /// The model as JSON text, for invalid cases that do not parse (e.g. corrupt base64).
        public var modelText: String?
        /// Inputs (grid values), expected int8 logits and classes (valid cases).
        public var inputs: [[Int]]?
        public var logits: [[Int]]?
        public var classes: [Int]?
        /// Invalid cases: the field path the error must name, e.g. "layers[0].multiplier[1]".
        public var errorField: String?
    }
    typealias File = VectorFile<NoParameters, Case>

    public static func generate() throws -> Data {
        var id = 1
        var valid: [Case] = []
        var r = Int8SplitMix64(seed: 0x1A78_0006)
        for rounding in RescaleRounding.allCases {
            for k in 0..<8 {
                let seed = UInt64(50_000 + k) &* 7 &+ (rounding == .double ? 0 : 1)
                let m = Int8ModelGenerator.randomModel(seed: seed, rounding: rounding)
                let net = try m.validated(file: "int8-models")
                let inputs = (0..<3).map { _ in Int8ModelGenerator.randomGrid(&r, model: m) }
                let evals = try inputs.map { try ReferenceInt8Evaluator.evaluate(net, grid: $0) }
                valid.append(Case(id: id, result: .valid, comment: "random model, \(rounding) rounding, generator seed \(seed)", model: m,
                                  modelText: nil, inputs: inputs, logits: evals.map { $0.logits }, classes: evals.map { $0.classIndex },
                                  errorField: nil))
                id += 1
            }
        }
        // Invalid models: mutations of a small valid model.
        let base = Int8ModelGenerator.randomModel(seed: 77, rounding: .double, ops: ["conv2d", "maxPool2d"])
        var invalid: [Case] = []
        func bad(_ comment: String, _ field: String, _ mutate: (inout Int8Model) -> Void) throws {
            var m = base
            mutate(&m)
            do {
                _ = try m.validated(file: "x")
                preconditionFailure("invalid vector \(comment) validates")
            } catch let e as Int8ModelError {
                precondition(e.field == field, "invalid vector \(comment): error names \(e.field), expected \(field): \(e)")
            }
            invalid.append(Case(id: id, result: .invalid, comment: comment, model: m, modelText: nil, inputs: nil, logits: nil,
                                classes: nil, errorField: field))
            id += 1
        }
        try bad("unknown op", "layers[1].op") { $0.layers[1].op = "softmax" }
        try bad("M0 below 2^30", "layers[0].multiplier[0]") { $0.layers[0].multiplier![0] = (1 << 30) - 1 }
        try bad("M0 = 2^31", "layers[0].multiplier[0]") { $0.layers[0].multiplier![0] = 1 << 31 }
        try bad("impossible shift 30", "layers[0].shift[0]") { $0.layers[0].shift![0] = 30 }
        try bad("impossible shift -32", "layers[0].shift[0]") { $0.layers[0].shift![0] = -32 }
        try bad("bias of the wrong length", "layers[0].bias.shape") { m in
            let n = m.layers[0].bias!.shape[0]
            m.layers[0].bias = Int8Tensor(int32: [Int32](repeating: 0, count: n + 1), shape: [n + 1])
        }
        try bad("truncated tensor data", "layers[0].filter.data") { $0.layers[0].filter!.bytes.removeLast() }
        try bad("declared output shape does not chain", "layers[0].outputShape") { $0.layers[0].outputShape[2] += 1 }
        try bad("fully connected input size does not chain", "layers[3].filter.shape[1]") { m in
            let f = m.layers[3].filter!
            m.layers[3].filter = Int8Tensor(int8: [Int8](repeating: 1, count: f.shape[0] * (f.shape[1] + 1)), shape: [f.shape[0], f.shape[1] + 1])
        }
        try bad("zero point out of range", "input.zeroPoint") { $0.input.zeroPoint = 128 }
        try bad("weight -128", "layers[0].filter[0]") { m in
            var w = m.layers[0].filter!.int8Values; w[0] = -128
            m.layers[0].filter = Int8Tensor(int8: w, shape: m.layers[0].filter!.shape)
        }
        try bad("accumulator can overflow int32", "layers[0].bias[0]") { m in
            var b = m.layers[0].bias!.int32Values; b[0] = Int32.max
            m.layers[0].bias = Int8Tensor(int32: b, shape: m.layers[0].bias!.shape)
        }
        try bad("wrong format tag", "format") { $0.format = "tflite" }
        // Corrupt base64: must be carried as text.
        var text = String(decoding: try base.canonicalData(), as: UTF8.self)
        if let range = text.range(of: "\"data\" : \"") { text.replaceSubrange(range, with: "\"data\" : \"*") }
        do { _ = try Int8Model.decode(Data(text.utf8), file: "x"); preconditionFailure("corrupt base64 parses") } catch let e as Int8ModelError {
            invalid.append(Case(id: id, result: .invalid, comment: "corrupt base64", model: nil, modelText: text, inputs: nil, logits: nil,
                                classes: nil, errorField: e.field))
            id += 1
        }
        // The ops added for TFLite import and a relu_n1_to_1 clamp (after the cases above, which keep their ids).
        var tfliteValid: [Case] = []
        var r2 = Int8SplitMix64(seed: 0x1A78_0016)
        let sequences: [[String]] = [["conv2d", "mean"], ["mul", "concatenation"], ["addBroadcast", "maxPool2d"],
                                     ["concatenation", "mul", "mean"], ["depthwiseConv2d", "addBroadcast", "mul"]]
        for rounding in RescaleRounding.allCases {
            for (k, ops) in sequences.enumerated() {
                let seed = UInt64(60_000 + k) &* 7 &+ (rounding == .double ? 0 : 1)
                let m = Int8ModelGenerator.randomModel(seed: seed, rounding: rounding, ops: ops)
                tfliteValid.append(try validCase(id, m, "random model with \(ops.joined(separator: ", ")), \(rounding) rounding, generator seed \(seed)", &r2))
                id += 1
            }
            var m = Int8ModelGenerator.randomModel(seed: 60_100 &+ (rounding == .double ? 0 : 1), rounding: rounding, ops: ["conv2d"])
            let z = m.layers[0].outputZeroPoint
            m.layers[0].fusedActivation = "relu_n1_to_1"
            m.layers[0].activationMin = max(-128, z - 25); m.layers[0].activationMax = min(127, z + 25)
            tfliteValid.append(try validCase(id, m, "conv2d with a relu_n1_to_1 clamp [Z - 25, Z + 25] (output scale 1/25), \(rounding) rounding", &r2))
            id += 1
        }
        let tfliteBase = Int8ModelGenerator.randomModel(seed: 61_000, rounding: .double, ops: ["mul", "concatenation", "mean"])
        var tfliteInvalid: [Case] = []
        func badTFLite(_ comment: String, _ field: String, _ mutate: (inout Int8Model) -> Void) throws {
            var m = tfliteBase
            mutate(&m)
            do {
                _ = try m.validated(file: "x")
                preconditionFailure("invalid vector \(comment) validates")
            } catch let e as Int8ModelError {
                precondition(e.field == field, "invalid vector \(comment): error names \(e.field), expected \(field): \(e)")
            }
            tfliteInvalid.append(Case(id: id, result: .invalid, comment: comment, model: m, modelText: nil, inputs: nil, logits: nil,
                                      classes: nil, errorField: field))
            id += 1
        }
        let iMul = tfliteBase.layers.firstIndex { $0.op == "mul" }!, iCat = tfliteBase.layers.firstIndex { $0.op == "concatenation" }!
        let iMean = tfliteBase.layers.lastIndex { $0.op == "mean" }!
        try badTFLite("mean with an activation", "layers[\(iMean)].activationMin") {
            $0.layers[iMean].fusedActivation = "relu"; $0.layers[iMean].activationMin = max(-128, $0.layers[iMean].outputZeroPoint)
        }
        try badTFLite("mean without outputShift", "layers[\(iMean)].outputShift") { $0.layers[iMean].outputShift = nil }
        try badTFLite("mul of one input", "layers[\(iMul)].inputs") { $0.layers[iMul].inputs = [iMul] }
        try badTFLite("mul with an impossible shift", "layers[\(iMul)].outputShift") { $0.layers[iMul].outputShift = 30 }
        try badTFLite("concatenation axis out of range", "layers[\(iCat)].axis") { $0.layers[iCat].axis = 3 }
        try badTFLite("concatenation with another zero point", "layers[\(iCat)].outputZeroPoint") {
            $0.layers[iCat].outputZeroPoint = $0.layers[iCat].outputZeroPoint == 127 ? 126 : $0.layers[iCat].outputZeroPoint + 1
        }
        try badTFLite("axis on a mul", "layers[\(iMul)].axis") { $0.layers[iMul].axis = 0 }
        let file = File(suite: name, version: version,
                        description: "Small whole int8 models (embedded, format intrs-int8-model v1) with inputs and the expected logits and class (reference evaluator, both rounding variants), and invalid models with the field their error must name.",
                        seed: "1a780006", sources: [],
                        groups: [VectorGroup(description: "valid models", parameters: NoParameters(), cases: valid),
                                 VectorGroup(description: "invalid models (must be rejected; errorField is the field the error names)", parameters: NoParameters(), cases: invalid),
                                 VectorGroup(description: "valid models with the ops added for TFLite import (mean, mul, concatenation, broadcasting add) and a relu_n1_to_1 clamp", parameters: NoParameters(), cases: tfliteValid),
                                 VectorGroup(description: "invalid models with those ops (must be rejected; errorField is the field the error names)", parameters: NoParameters(), cases: tfliteInvalid)])
        return try CanonicalJSON.encode(file)
    }

    /// A valid case: three random inputs and the reference's logits and classes.
    static func validCase(_ id: Int, _ m: Int8Model, _ comment: String, _ r: inout Int8SplitMix64) throws -> Case {
        let net = try m.validated(file: "int8-models")
        let inputs = (0..<3).map { _ in Int8ModelGenerator.randomGrid(&r, model: m) }
        let evals = try inputs.map { try ReferenceInt8Evaluator.evaluate(net, grid: $0) }
        return Case(id: id, result: .valid, comment: comment, model: m, modelText: nil, inputs: inputs,
                    logits: evals.map { $0.logits }, classes: evals.map { $0.classIndex }, errorField: nil)
    }

    public static func conform(_ data: Data) throws -> [String] {
        let f = try File.decode(data, file: fileName)
        var problems: [String] = []
        for (_, c) in f.allCases {
            let where_ = "\(fileName) case \(c.id)"
            switch c.result {
            case .invalid:
                do {
                    let m = try c.model ?? Int8Model.decode(Data((c.modelText ?? "").utf8), file: where_)
                    _ = try FastInt8Evaluator(model: m, file: where_)
                    problems.append("case \(c.id): invalid model accepted (\(c.comment))")
                } catch let e as Int8ModelError {
                    if e.field != c.errorField { problems.append("case \(c.id): error names field \(e.field), expected \(c.errorField ?? "")") }
                } catch {
                    problems.append("case \(c.id): unexpected error \(error)")
                }
            case .valid:
                guard let m = c.model, let inputs = c.inputs, let logits = c.logits, let classes = c.classes else {
                    problems.append("case \(c.id): valid case without model, inputs, logits or classes"); continue
                }
                do {
                    let fast = try FastInt8Evaluator(model: m, threads: 2, file: where_)
                    // The file is outside input (`vectors check`): shapes and ranges the evaluator would trap on are problems.
                    if let b = inputs.firstIndex(where: { $0.count != fast.inputCount || $0.contains { Int32(exactly: $0) == nil } }) {
                        problems.append("case \(c.id): field inputs[\(b)] has \(inputs[b].count) values (the model expects \(fast.inputCount), each within Int32)"); continue
                    }
                    if logits.count != inputs.count || classes.count != inputs.count {
                        problems.append("case \(c.id): fields inputs, logits and classes have \(inputs.count), \(logits.count) and \(classes.count) entries; expected equal"); continue
                    }
                    let flat = inputs.flatMap { $0.map { Int32($0) } }
                    var out = [Int8](repeating: 0, count: inputs.count * fast.classCount)
                    var cls = [Int32](repeating: 0, count: inputs.count)
                    flat.withUnsafeBufferPointer { g in
                        out.withUnsafeMutableBufferPointer { fast.logits(grid: g, batch: inputs.count, logits: $0) }
                        cls.withUnsafeMutableBufferPointer { fast.classify(grid: g, batch: inputs.count, classes: $0) }
                    }
                    for b in inputs.indices {
                        let got = out[(b * fast.classCount)..<((b + 1) * fast.classCount)].map { Int($0) }
                        if got != logits[b] || Int(cls[b]) != classes[b] {
                            problems.append("case \(c.id) input \(b): fast \(got)/\(cls[b]) != expected \(logits[b])/\(classes[b])")
                        }
                    }
                } catch {
                    problems.append("case \(c.id): \(error)")
                }
            }
        }
        return problems
    }
}
