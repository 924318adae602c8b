/// A minimal Protocol Buffers encoder (https://protobuf.dev/programming-guides/encoding/): enough to write the
/// ONNX ModelProto subset `ONNXWriter` uses. Fields are written in the order they are added.
///
/// Wire format: each field is a tag varint `(field number << 3) | wire type`, then its value: wire type 0
/// (varint: int32, int64, enums; a negative value as its 64-bit two's complement, 10 bytes), 2 (length-delimited:
/// a varint byte count, then strings, bytes or an embedded message), 5 (fixed32: float, little-endian).
/// Repeated scalar fields are written unpacked (one tag per element; proto2's default, which every parser
/// also accepts for packable fields).
public struct ProtobufWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ field: Int, _ wire: Int) { varint(UInt64(field << 3 | wire)) }

    /// An int32 / int64 / enum field (wire type 0).
    public mutating func int(_ field: Int, _ v: Int64) { tag(field, 0); varint(UInt64(bitPattern: v)) }

    /// A float field (wire type 5).
    public mutating func float(_ field: Int, _ v: Float) {
        tag(field, 5)
        let b = v.bitPattern
        for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: b >> (8 * UInt32(k)))) }
    }

    /// A bytes field (wire type 2).
    public mutating func bytes(_ field: Int, _ b: [UInt8]) { tag(field, 2); varint(UInt64(b.count)); bytes.append(contentsOf: b) }

    /// A string field (UTF-8, wire type 2).
    public mutating func string(_ field: Int, _ s: String) { bytes(field, Array(s.utf8)) }

    /// An embedded message (wire type 2).
    public mutating func message(_ field: Int, _ m: ProtobufWriter) { bytes(field, m.bytes) }

    /// An embedded message built by `body`.
    public mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var m = ProtobufWriter()
        body(&m)
        message(field, m)
    }
}
