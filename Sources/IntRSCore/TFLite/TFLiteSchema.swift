/// The part of the TFLite model schema (version 3, file identifier "TFL3") that the importer reads, decoded
/// into plain values by the bounds-checked `FlatBuffer` reader (FlatBufferReader.swift).
///
/// Field ids follow tensorflow/lite/schema/schema.fbs, read at tensorflow/tensorflow commit
/// 4c1ad6329a0c4bf03ca437aa1cb3dc24e2d76920 and tensorflow/tflite-micro commit
/// 6cdf0d78a68f33fe452f051713aa218619285438 (schema "3c": OperatorCode.builtin_code as int32, Buffer.offset/size),
/// and were checked against the Python bindings generated from that schema in the PyPI package tflite 2.18.0
/// (vtable slot = 4 + 2 * id):
///
///     Model:                  version 0, operator_codes 1, subgraphs 2, description 3, buffers 4
///     OperatorCode:           deprecated_builtin_code 0 (byte), custom_code 1, version 2, builtin_code 3 (int32)
///     SubGraph:               tensors 0, inputs 1, outputs 2, operators 3, name 4
///     Tensor:                 shape 0, type 1 (byte), buffer 2 (uint), name 3, quantization 4, is_variable 5, sparsity 6
///     QuantizationParameters: min 0, max 1, scale 2 ([float]), zero_point 3 ([long]), details 4/5 (union), quantized_dimension 6
///     Operator:               opcode_index 0 (uint), inputs 1, outputs 2, builtin_options 3/4 (union),
///                             custom_options 5, ..., builtin_options_2 11/12 (union)
///     Buffer:                 data 0 ([ubyte]), offset 1 (ulong), size 2 (ulong)
///
/// The effective builtin code of an OperatorCode is max(deprecated_builtin_code, builtin_code), as TFLite's
/// schema_utils GetBuiltinCode computes it (old files only set the byte field; new files set both, the byte
/// field saturated at 127 = PLACEHOLDER_FOR_GREATER_OP_CODES).
public enum TFLiteSchema {
    public static let fileIdentifier = "TFL3"
    /// Caps that keep a hostile file from making the reader do unbounded work (real models are far below).
    public static let maxTensors = 1 << 16
    public static let maxOperators = 1 << 14
    public static let maxBuffers = 1 << 16
    public static let maxRank = 8
    public static let maxChannels = 1 << 20

    /// TensorType (schema enum, byte).
    public static func tensorTypeName(_ t: Int8) -> String {
        let names = ["FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL", "INT16", "COMPLEX64", "INT8",
                     "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT", "UINT32", "UINT16", "INT4"]
        return t >= 0 && Int(t) < names.count ? names[Int(t)] : "type \(t)"
    }
    public static let float32: Int8 = 0, int32: Int8 = 2, uint8: Int8 = 3, int8: Int8 = 9

    /// BuiltinOperator codes the importer knows by name (schema enum).
    public static let operatorNames: [Int32: String] = [
        0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 6: "DEQUANTIZE",
        9: "FULLY_CONNECTED", 14: "LOGISTIC", 17: "MAX_POOL_2D", 18: "MUL", 19: "RELU", 20: "RELU_N1_TO_1",
        21: "RELU6", 22: "RESHAPE", 25: "SOFTMAX", 28: "TANH", 32: "CUSTOM", 34: "PAD", 39: "TRANSPOSE", 40: "MEAN",
        41: "SUB", 43: "SQUEEZE", 45: "STRIDED_SLICE", 49: "SPLIT", 56: "ARG_MAX", 60: "PADV2", 67: "TRANSPOSE_CONV",
        83: "PACK", 97: "RESIZE_NEAREST_NEIGHBOR", 98: "LEAKY_RELU", 114: "QUANTIZE", 117: "HARD_SWISH",
        126: "BATCH_MATMUL",
    ]
    public static func operatorName(_ code: Int32) -> String { operatorNames[code] ?? "builtin operator \(code)" }
    public static let ADD: Int32 = 0, AVERAGE_POOL_2D: Int32 = 1, CONV_2D: Int32 = 3, DEPTHWISE_CONV_2D: Int32 = 4
    public static let DEQUANTIZE: Int32 = 6, FULLY_CONNECTED: Int32 = 9, MAX_POOL_2D: Int32 = 17, RESHAPE: Int32 = 22
    public static let PAD: Int32 = 34
    public static let CONCATENATION: Int32 = 2, MUL: Int32 = 18, MEAN: Int32 = 40
    public static let QUANTIZE: Int32 = 114, SOFTMAX: Int32 = 25, LOGISTIC: Int32 = 14

    /// BuiltinOptions union tags (schema union order, NONE = 0).
    public static let conv2DOptions: UInt8 = 1, depthwiseConv2DOptions: UInt8 = 2, pool2DOptions: UInt8 = 5
    public static let softmaxOptions: UInt8 = 9
    public static let fullyConnectedOptions: UInt8 = 8, addOptions: UInt8 = 11, reshapeOptions: UInt8 = 17
    public static let concatenationOptions: UInt8 = 10, mulOptions: UInt8 = 21, reducerOptions: UInt8 = 27
}

/// Quantization parameters of one tensor (real = scale * (q - zeroPoint)).
public struct TFLiteQuantization: Sendable, Equatable {
    public var scale: [Float]
    public var zeroPoint: [Int64]
    public var quantizedDimension: Int32
    /// A `details` union is present (custom quantization): the scale/zero_point fields do not apply.
    public var hasDetails: Bool
}

public struct TFLiteTensor: Sendable {
    public var shape: [Int32]
    public var type: Int8
    public var buffer: UInt32
    public var name: String
    public var quantization: TFLiteQuantization?
    public var isVariable: Bool
    public var isSparse: Bool
}

public struct TFLiteOperator: Sendable {
    public var opcodeIndex: UInt32
    public var inputs: [Int32]
    public var outputs: [Int32]
    /// The builtin_options union: tag (0 = NONE) and table.
    public var optionsType: UInt8
    public var options: FlatBufferTable?
    public var hasCustomOptions: Bool
}

public struct TFLiteSubgraph: Sendable {
    public var tensors: [TFLiteTensor]
    public var inputs: [Int32]
    public var outputs: [Int32]
    public var operators: [TFLiteOperator]
    public var name: String?
}

public struct TFLiteOperatorCode: Sendable {
    /// max(deprecated_builtin_code, builtin_code).
    public var builtinCode: Int32
    public var customCode: String?
    public var version: Int32
}

/// A decoded `.tflite` file (only what the importer needs; buffers are read lazily and checked).
public struct TFLiteFile: Sendable {
    public var version: UInt32
    public var description: String?
    public var operatorCodes: [TFLiteOperatorCode]
    public var subgraphs: [TFLiteSubgraph]
    let buffersVector: FlatBufferVector?
    let flat: FlatBuffer

    /// Decodes the FlatBuffer. Every offset and length is checked; errors name the field path.
    public init(bytes: [UInt8]) throws(FlatBufferError) {
        let fb = FlatBuffer(bytes)
        flat = fb
        let root = try fb.root(identifier: TFLiteSchema.fileIdentifier)
        version = try root.scalar(0, "version", default: UInt32(0))
        guard version == 3 else {
            throw FlatBufferError(path: "version", problem: "schema version \(version); only version 3 is supported")
        }
        description = try root.string(3, "description")
        var codes: [TFLiteOperatorCode] = []
        if let v = try root.tables(1, "operator_codes", maxCount: TFLiteSchema.maxOperators) {
            for i in 0..<v.count {
                let t = try v.table(i)
                let dep: Int8 = try t.scalar(0, "deprecated_builtin_code", default: 0)
                let b: Int32 = try t.scalar(3, "builtin_code", default: 0)
                codes.append(TFLiteOperatorCode(builtinCode: max(Int32(dep), b), customCode: try t.string(1, "custom_code"),
                                                version: try t.scalar(2, "version", default: 1)))
            }
        }
        operatorCodes = codes
        var subs: [TFLiteSubgraph] = []
        if let v = try root.tables(2, "subgraphs", maxCount: 1 << 10) {
            // Only the main subgraph (0) is decoded; the importer refuses files with more.
            for i in 0..<min(v.count, 1) { subs.append(try TFLiteFile.subgraph(try v.table(i))) }
            subgraphCount = v.count
        } else {
            subgraphCount = 0
        }
        subgraphs = subs
        buffersVector = try root.tables(4, "buffers", maxCount: TFLiteSchema.maxBuffers)
    }

    /// Number of subgraphs in the file (only subgraph 0 is decoded).
    public private(set) var subgraphCount: Int

    static func subgraph(_ t: FlatBufferTable) throws(FlatBufferError) -> TFLiteSubgraph {
        var tensors: [TFLiteTensor] = []
        if let v = try t.tables(0, "tensors", maxCount: TFLiteSchema.maxTensors) {
            tensors.reserveCapacity(v.count)
            for i in 0..<v.count { tensors.append(try tensor(try v.table(i))) }
        }
        var ops: [TFLiteOperator] = []
        if let v = try t.tables(3, "operators", maxCount: TFLiteSchema.maxOperators) {
            for i in 0..<v.count {
                let o = try v.table(i)
                let u = try o.union(3, "builtin_options")
                ops.append(TFLiteOperator(
                    opcodeIndex: try o.scalar(0, "opcode_index", default: 0),
                    inputs: try o.scalars(1, "inputs", as: Int32.self, maxCount: 1 << 10) ?? [],
                    outputs: try o.scalars(2, "outputs", as: Int32.self, maxCount: 1 << 10) ?? [],
                    optionsType: u.type, options: u.table, hasCustomOptions: o.has(5)))
            }
        }
        return TFLiteSubgraph(tensors: tensors,
                              inputs: try t.scalars(1, "inputs", as: Int32.self, maxCount: 1 << 10) ?? [],
                              outputs: try t.scalars(2, "outputs", as: Int32.self, maxCount: 1 << 10) ?? [],
                              operators: ops, name: try t.string(4, "name"))
    }

    static func tensor(_ t: FlatBufferTable) throws(FlatBufferError) -> TFLiteTensor {
        var q: TFLiteQuantization? = nil
        if let qt = try t.table(4, "quantization") {
            q = TFLiteQuantization(
                scale: try qt.scalars(2, "scale", as: Float.self, maxCount: TFLiteSchema.maxChannels) ?? [],
                zeroPoint: try qt.scalars(3, "zero_point", as: Int64.self, maxCount: TFLiteSchema.maxChannels) ?? [],
                quantizedDimension: try qt.scalar(6, "quantized_dimension", default: 0),
                hasDetails: (try qt.scalar(4, "details_type", default: UInt8(0))) != 0)
        }
        return TFLiteTensor(shape: try t.scalars(0, "shape", as: Int32.self, maxCount: TFLiteSchema.maxRank) ?? [],
                            type: try t.scalar(1, "type", default: 0),
                            buffer: try t.scalar(2, "buffer", default: 0),
                            name: try t.string(3, "name") ?? "",
                            quantization: q,
                            isVariable: try t.scalar(5, "is_variable", default: false),
                            isSparse: t.has(6))
    }

    /// The bytes of buffer `index` (empty if it has none). Data stored outside the FlatBuffer (schema 3c:
    /// `offset` > 1 and `size`, counted from the start of the file) is supported and bounds-checked too.
    public func bufferData(_ index: UInt32, path: String) throws(FlatBufferError) -> ArraySlice<UInt8> {
        guard let v = buffersVector else {
            if index == 0 { return [] }
            throw FlatBufferError(path: path, problem: "buffer \(index) referenced but the model has no buffers")
        }
        guard Int(index) < v.count else {
            throw FlatBufferError(path: path, problem: "buffer index \(index) outside the model's \(v.count) buffers")
        }
        let b = try v.table(Int(index))
        if let d = try b.bytes(0, "data"), !d.isEmpty { return d }
        let off: UInt64 = try b.scalar(1, "offset", default: 0)
        let size: UInt64 = try b.scalar(2, "size", default: 0)
        if off > 1 {
            guard off <= UInt64(flat.count), size <= UInt64(flat.count) - off else {
                throw FlatBufferError(path: "\(b.path).offset", problem: "external data at byte \(off) (\(size) bytes) lies outside the \(flat.count)-byte file")
            }
            return flat.bytes[Int(off)..<Int(off + size)]
        }
        return []
    }
}
