import Foundation

/// The rescale rounding variant a model is defined with. Both are integer-only and exact; they differ by
/// one on about 1% of accumulators, so the model must say which it uses. See Vectors/model-format.md.
public enum RescaleRounding: String, Codable, Sendable, CaseIterable {
    /// TFLite's default build (gemmlowp): SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT;
    /// TOSA RESCALE with `double_round = true`.
    case double
    /// TFLITE_SINGLE_ROUNDING; TOSA RESCALE with `double_round = false`.
    case single
}

/// How a grid value enters the network (integer-only):
///
///     q = clamp(zeroPoint + gridMultiplier * g, -128, 127)
///
/// for a grid value g (any integer: an 8-bit pixel level, or a pixel plus integer noise). The clamp
/// (clipping of inputs outside the int8 range) is PART OF THE BASE CLASSIFIER: a certificate is about
/// this clipped classifier. Real units: one grid step is `gridScale` real units and one int8 step is
/// `scale = gridScale / gridMultiplier` real units; both are informational.
public struct Int8InputSpec: Codable, Sendable, Equatable {
    /// The input tensor shape without the batch dimension: [H, W, C] (NHWC with N = 1) or [n].
    public var shape: [Int]
    /// Zero point of the int8 input tensor, in [-128, 127].
    public var zeroPoint: Int
    /// Positive integer, in [1, 65536]: int8 steps per grid step.
    public var gridMultiplier: Int
    /// Real units per int8 step of the input tensor (informational; used by the dequantized float baseline).
    public var scale: Double?
    /// Real units per grid step (informational) = scale * gridMultiplier.
    public var gridScale: Double?

    public init(shape: [Int], zeroPoint: Int, gridMultiplier: Int, scale: Double? = nil, gridScale: Double? = nil) {
        self.shape = shape; self.zeroPoint = zeroPoint; self.gridMultiplier = gridMultiplier
        self.scale = scale; self.gridScale = gridScale
    }
}

/// One layer of an int8 model. A flat record: which fields are required depends on `op`
/// (see Vectors/model-format.md, "Ops"); fields an op does not use must be absent.
///
/// Tensors are numbered: tensor 0 is the quantized model input, tensor i + 1 is the output of layer i.
/// `inputs` lists the tensor numbers a layer reads (default: the previous tensor, [i]); only `add`
/// reads two. The classifier output is the last layer's output; the class is its ArgMax (lowest index
/// wins ties).
public struct Int8Layer: Codable, Sendable, Equatable {
    /// One of: conv2d, depthwiseConv2d, fullyConnected, add, averagePool2d, maxPool2d, reshape, flatten, pad,
    /// mean, mul, concatenation.
    public var op: String
    /// Free text for people.
    public var name: String?
    /// Tensor numbers read (each < this layer's index + 1). Default [index] (the previous tensor).
    public var inputs: [Int]?
    /// The declared output shape ([H, W, C] or [n]); must equal the shape the op computes.
    public var outputShape: [Int]
    /// Zero point of the output tensor, in [-128, 127]. Pools, reshape and flatten must repeat their input's.
    public var outputZeroPoint: Int
    /// Real units per int8 step of the output tensor (informational).
    public var outputScale: Double?
    /// The fused activation as a clamp on the int8 output: [activationMin, activationMax] within
    /// [-128, 127]. Defaults -128 and 127.
    public var activationMin: Int?
    public var activationMax: Int?
    /// "none", "relu", "relu6" or "relu_n1_to_1": informational name of the clamp (checked where it can be:
    /// relu and relu6 need activationMin = max(-128, outputZeroPoint); none needs the full range;
    /// relu needs activationMax = 127; relu_n1_to_1 needs a clamp containing outputZeroPoint). Default "none".
    public var fusedActivation: String?

    // conv2d, depthwiseConv2d, fullyConnected
    /// int8 weights, values in [-127, 127] (symmetric, zero point 0). conv2d: OHWI [O, KH, KW, I];
    /// depthwiseConv2d: [1, KH, KW, C * depthMultiplier]; fullyConnected: [O, I].
    public var filter: Int8Tensor?
    /// int32 bias [O] (scale S_in * S_w[c], zero point 0). Optional: absent means zeros.
    public var bias: Int8Tensor?
    /// Per-output-channel rescale multiplier M0, each in [2^30, 2^31).
    public var multiplier: [Int]?
    /// Per-output-channel rescale shift, each in [-31, 29]: the real multiplier is M0 * 2^(shift - 31).
    public var shift: [Int]?
    /// Real per-output-channel weight scales S_w[c] (informational; dequantized float baseline).
    public var filterScales: [Double]?
    /// The float32 weights the model was trained from (optional; the float baseline uses them if present).
    /// Same shape as `filter`; `floatBias` same shape as `bias`.
    public var floatFilter: Int8Tensor?
    public var floatBias: Int8Tensor?
    /// conv and pools: [strideH, strideW], each >= 1. Default [1, 1].
    public var stride: [Int]?
    /// conv: [dilationH, dilationW], each >= 1. Default [1, 1].
    public var dilation: [Int]?
    /// conv and pools: "same" or "valid" (TFLite semantics). Required for them.
    public var padding: String?
    /// depthwiseConv2d: output channels per input channel. Default 1.
    public var depthMultiplier: Int?

    // averagePool2d, maxPool2d
    /// [KH, KW], each >= 1.
    public var poolSize: [Int]?

    // pad
    /// pad: one [before, after] pair per input dimension, each in [0, 4096]; the new elements hold the zero point
    /// (the real value 0), which the output keeps (TFLite PAD).
    public var pads: [[Int]]?

    // concatenation
    /// concatenation: the dimension the inputs are joined along, in [0, rank) of the (equal-rank) inputs.
    public var axis: Int?

    // add (and the output rescale of mean and mul)
    /// add: the left shift applied to each zero-point-removed input (TFLite int8 uses 20), in [0, 22].
    public var leftShift: Int?
    /// add: rescale (M0, shift) of the two inputs, each pair as for `multiplier`/`shift`.
    public var inputMultipliers: [Int]?
    public var inputShifts: [Int]?
    /// add: rescale (M0, shift) of the sum. mul: of the product (x_a - Z_a)(x_b - Z_b). mean: TFLite's
    /// QuantizeMultiplier(S_in / S_out), from which the op derives the multiplier of the sum (model-format.md).
    public var outputMultiplier: Int?
    public var outputShift: Int?

    public init(op: String, outputShape: [Int], outputZeroPoint: Int) {
        self.op = op
        self.outputShape = outputShape
        self.outputZeroPoint = outputZeroPoint
    }
}

/// An integer-only int8 classifier: the JSON model file format "intrs-int8-model", version 1.
/// Documented field by field in Vectors/model-format.md; JSON Schema Vectors/model.v1.schema.json.
///
/// Decoding only parses; call `validated(file:)` (or `load(from:)`) to check everything and obtain the
/// evaluable `Int8Network`.
public struct Int8Model: Codable, Sendable, Equatable {
    public static let formatName = "intrs-int8-model"
    public static let currentVersion = 1

    /// Always "intrs-int8-model".
    public var format: String
    /// Always 1.
    public var version: Int
    public var name: String?
    public var description: String?
    /// "double" (default in TFLite builds) or "single".
    public var rounding: RescaleRounding
    public var input: Int8InputSpec
    public var layers: [Int8Layer]
    /// Optional class labels, one per output element.
    public var classLabels: [String]?

    public init(name: String? = nil, description: String? = nil, rounding: RescaleRounding,
                input: Int8InputSpec, layers: [Int8Layer], classLabels: [String]? = nil) {
        self.format = Int8Model.formatName
        self.version = Int8Model.currentVersion
        self.name = name
        self.description = description
        self.rounding = rounding
        self.input = input
        self.layers = layers
        self.classLabels = classLabels
    }

    /// Parses a model file (no validation beyond JSON structure). Errors name the file and field.
    /// Unknown keys are rejected (the format is closed, `Int8Model.closedShape`), and a number that does not
    /// fit an integer field is named with its field and value.
    public static func decode(_ data: Data, file: String) throws -> Int8Model {
        let json: Any
        switch ClosedJSONText.parse(data) {
        case .success(let j): json = j
        case .failure(let e): throw Int8ModelError.decoding(file: file, detail: e.description)
        }
        if let field = closedShape.firstUnknownKey(in: json) {
            throw Int8ModelError.decoding(file: file, detail: "field \(field): unknown field (Vectors/model-format.md defines every key; misspelt?)")
        }
        do {
            return try JSONDecoder().decode(Int8Model.self, from: data)
        } catch let e as DecodingError {
            if case .dataCorrupted(let c) = e, c.codingPath.isEmpty, let p = closedShape.firstIntegerProblem(in: json) {
                throw Int8ModelError.invalid(file: file, field: p.field, value: PrintedValue.abbreviated(p.value), problem: p.problem)
            }
            throw Int8ModelError.decoding(file: file, detail: Int8ModelError.describe(e))
        } catch {
            throw Int8ModelError.decoding(file: file, detail: "\(error)")
        }
    }

    /// Reads, parses and validates a model file.
    public static func load(from url: URL) throws -> Int8Model {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Int8ModelError.unreadable(file: url.path, detail: fileReadFailureReason(path: url.path, error))
        }
        let m = try decode(data, file: url.path)
        _ = try m.validated(file: url.path)
        return m
    }

    /// The canonical bytes of this model (CanonicalJSON: sorted keys, pretty, trailing newline).
    public func canonicalData() throws -> Data { try CanonicalJSON.encode(self) }
}

/// A model file problem: the file, the field (a path such as `layers[2].multiplier[5]`), the offending value
/// and what is wrong.
public enum Int8ModelError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, detail: String)
    case decoding(file: String, detail: String)
    case invalid(file: String, field: String, value: String, problem: String)

    public var description: String {
        switch self {
        case .unreadable(let f, let d): return "\(f): cannot read model file: \(d)"
        case .decoding(let f, let d): return "\(f): malformed model file: \(d)"
        case .invalid(let f, let field, let v, let p): return "\(f): field \(field) = \(v): \(p)"
        }
    }

    /// The field named by the error ("" for unreadable files).
    public var field: String {
        switch self {
        case .unreadable: return ""
        case .decoding(_, let d):
            if d.hasPrefix("field "), let r = d.dropFirst(6).split(separator: ":").first { return String(r) }
            return ""
        case .invalid(_, let f, _, _): return f
        }
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ p: [any CodingKey]) -> String {
            var s = ""
            for k in p {
                if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
            }
            return s.isEmpty ? "(top level)" : s
        }
        switch e {
        case .typeMismatch(let t, let c): return "field \(path(c.codingPath)): expected \(t)"
        case .valueNotFound(let t, let c): return "field \(path(c.codingPath)): missing \(t) value"
        case .keyNotFound(let k, let c): return "field \(path(c.codingPath + [k])): missing"
        case .dataCorrupted(let c): return "field \(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}
