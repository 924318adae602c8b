import Foundation

/// The element type of a stored tensor.
public enum Int8TensorType: String, Codable, Sendable {
    case int8
    case int32
    case float32

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .int8: return 1
        case .int32, .float32: return 4
        }
    }
}

/// A tensor stored in a model file: element type, shape and the elements as base64 of their
/// little-endian bytes in row-major order (the last dimension varies fastest).
///
/// Decoding accepts only canonical base64 (RFC 4648 with padding); corrupt base64 is a decoding error
/// naming the field. The byte count is checked against the shape by `Int8Model.validated(file:)`.
public struct Int8Tensor: Codable, Sendable, Equatable {
    public var dtype: Int8TensorType
    public var shape: [Int]
    /// The raw little-endian bytes.
    public var bytes: [UInt8]

    public init(dtype: Int8TensorType, shape: [Int], bytes: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    public init(int8 values: [Int8], shape: [Int]) {
        self.init(dtype: .int8, shape: shape, bytes: values.map { UInt8(bitPattern: $0) })
    }

    public init(int32 values: [Int32], shape: [Int]) {
        var b: [UInt8] = []
        b.reserveCapacity(values.count * 4)
        for v in values { let u = UInt32(bitPattern: v); for k in 0..<4 { b.append(UInt8(truncatingIfNeeded: u >> (8 * k))) } }
        self.init(dtype: .int32, shape: shape, bytes: b)
    }

    public init(float32 values: [Float], shape: [Int]) {
        var b: [UInt8] = []
        b.reserveCapacity(values.count * 4)
        for v in values { let u = v.bitPattern; for k in 0..<4 { b.append(UInt8(truncatingIfNeeded: u >> (8 * k))) } }
        self.init(dtype: .float32, shape: shape, bytes: b)
    }

    enum CodingKeys: String, CodingKey { case dtype, shape, data }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dtype = try c.decode(Int8TensorType.self, forKey: .dtype)
        shape = try c.decode([Int].self, forKey: .shape)
        let s = try c.decode(String.self, forKey: .data)
        guard s.count % 4 == 0, let d = Data(base64Encoded: s) else {
            throw DecodingError.dataCorruptedError(
                forKey: .data, in: c,
                debugDescription: "corrupt base64 (\(s.count) characters, starting \"\(s.prefix(16))\")")
        }
        bytes = [UInt8](d)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dtype, forKey: .dtype)
        try c.encode(shape, forKey: .shape)
        try c.encode(Data(bytes).base64EncodedString(), forKey: .data)
    }

    /// The number of elements the shape calls for (nil if a dimension is negative or it overflows).
    public var elementCount: Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }

    /// Elements as Int8 (dtype must be int8).
    public var int8Values: [Int8] { bytes.map { Int8(bitPattern: $0) } }

    /// Elements as Int32 (dtype must be int32; little-endian).
    public var int32Values: [Int32] {
        stride(from: 0, to: bytes.count - 3, by: 4).map { i in
            Int32(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }

    /// Elements as Float (dtype must be float32; little-endian IEEE 754 binary32).
    public var float32Values: [Float] {
        stride(from: 0, to: bytes.count - 3, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }
}
