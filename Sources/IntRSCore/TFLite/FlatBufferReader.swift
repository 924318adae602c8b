/// A bounds-checked, read-only FlatBuffers reader (the binary format of https://flatbuffers.dev, "Internals").
///
/// Layout facts it relies on (all little-endian):
/// - The buffer starts with a uoffset (UInt32) to the root table, optionally followed by a 4-byte file
///   identifier (TFLite: "TFL3").
/// - A table starts with an soffset (Int32): the vtable is at `table - soffset`. The vtable is UInt16s:
///   its own byte size, the table's inline byte size, then one field offset per field id (0 = absent, the
///   schema default applies). Field id k sits at vtable byte 4 + 2k.
/// - A reference field (table, vector, string) holds a uoffset relative to the field's own position.
///   A vector is a UInt32 element count followed by the elements; a string is a byte vector followed by a
///   NUL (not required here). A vector of tables holds one uoffset per element, each relative to itself.
/// - A union field with id k is stored as two fields: its type (UInt8) at id k and its value (a table) at id k + 1.
///
/// Every read is checked against the buffer before it happens: a truncated or hostile file gives a
/// `FlatBufferError` naming the path of the field (for example `subgraphs[0].tensors[3].shape`), never a trap
/// or an out-of-bounds read. Offsets are computed in `Int` (64-bit) from 32-bit values, so no arithmetic
/// here can overflow. Vector lengths are bounded by the bytes left in the buffer (so a hostile length cannot
/// make the reader allocate more than the file's size per vector); callers add their own, smaller caps.
/// Cycles cannot occur: a uoffset is unsigned and added to its own position, so every reference points
/// forward (a "backward" offset wraps to a target past the end and is refused); only a table's soffset to its
/// vtable may point backward, and a vtable holds no references. The reader is non-recursive and only follows
/// the paths its caller names.
public struct FlatBufferError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The field path, for example `subgraphs[0].operators[2].inputs`.
    public var path: String
    /// What is wrong, with the offending offset or length.
    public var problem: String
    public init(path: String, problem: String) { self.path = path; self.problem = problem }
    public var description: String { "\(path.isEmpty ? "(root)" : path): \(problem)" }
}

/// The raw bytes of one FlatBuffer, with checked little-endian reads.
public struct FlatBuffer: Sendable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var count: Int { bytes.count }

    /// Checks that `[position, position + width)` lies in the buffer.
    @inline(__always)
    func check(_ position: Int, _ width: Int, _ path: String, _ what: String) throws(FlatBufferError) {
        guard position >= 0, width >= 0, position <= bytes.count - width else {
            throw FlatBufferError(path: path, problem: "\(what) at byte \(position) (\(width) bytes) lies outside the \(bytes.count)-byte file")
        }
    }

    func u8(_ p: Int) -> UInt8 { bytes[p] }
    func u16(_ p: Int) -> UInt16 { UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8 }
    func u32(_ p: Int) -> UInt32 {
        UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
    }
    func u64(_ p: Int) -> UInt64 { UInt64(u32(p)) | UInt64(u32(p + 4)) << 32 }

    /// The root table. `identifier` (4 ASCII bytes), if given, must match bytes 4..<8.
    public func root(identifier: String? = nil) throws(FlatBufferError) -> FlatBufferTable {
        try check(0, 8, "", "the root offset and file identifier (the file is too short to be a FlatBuffer)")
        if let identifier {
            let id = Array(identifier.utf8)
            if Array(bytes[4..<8]) != id {
                let shown = bytes[4..<8].map { $0 >= 32 && $0 < 127 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
                throw FlatBufferError(path: "", problem: "file identifier is \"\(shown)\", expected \"\(identifier)\"")
            }
        }
        return try table(at: Int(u32(0)), path: "")
    }

    /// The table at absolute byte `position`, with its vtable checked.
    public func table(at position: Int, path: String) throws(FlatBufferError) -> FlatBufferTable {
        try check(position, 4, path, "table")
        let soffset = Int(Int32(bitPattern: u32(position)))
        let vtable = position - soffset
        try check(vtable, 4, path, "vtable (table at byte \(position), soffset \(soffset))")
        let vtableSize = Int(u16(vtable)), tableSize = Int(u16(vtable + 2))
        guard vtableSize >= 4, vtableSize % 2 == 0 else {
            throw FlatBufferError(path: path, problem: "vtable at byte \(vtable) declares size \(vtableSize) (must be even and >= 4)")
        }
        try check(vtable, vtableSize, path, "vtable of \(vtableSize) bytes")
        guard tableSize >= 4 else {
            throw FlatBufferError(path: path, problem: "vtable at byte \(vtable) declares a table size of \(tableSize) (must be >= 4)")
        }
        try check(position, tableSize, path, "table of \(tableSize) bytes")
        return FlatBufferTable(buffer: self, position: position, vtable: vtable, vtableSize: vtableSize, tableSize: tableSize, path: path)
    }
}

/// A FlatBuffers scalar that can be read from a table field.
public protocol FlatBufferScalar { static var width: Int { get }; static func read(_ b: FlatBuffer, _ p: Int) -> Self }
extension UInt8: FlatBufferScalar { public static var width: Int { 1 }; public static func read(_ b: FlatBuffer, _ p: Int) -> UInt8 { b.u8(p) } }
extension Int8: FlatBufferScalar { public static var width: Int { 1 }; public static func read(_ b: FlatBuffer, _ p: Int) -> Int8 { Int8(bitPattern: b.u8(p)) } }
extension Bool: FlatBufferScalar { public static var width: Int { 1 }; public static func read(_ b: FlatBuffer, _ p: Int) -> Bool { b.u8(p) != 0 } }
extension UInt16: FlatBufferScalar { public static var width: Int { 2 }; public static func read(_ b: FlatBuffer, _ p: Int) -> UInt16 { b.u16(p) } }
extension Int32: FlatBufferScalar { public static var width: Int { 4 }; public static func read(_ b: FlatBuffer, _ p: Int) -> Int32 { Int32(bitPattern: b.u32(p)) } }
extension UInt32: FlatBufferScalar { public static var width: Int { 4 }; public static func read(_ b: FlatBuffer, _ p: Int) -> UInt32 { b.u32(p) } }
extension Int64: FlatBufferScalar { public static var width: Int { 8 }; public static func read(_ b: FlatBuffer, _ p: Int) -> Int64 { Int64(bitPattern: b.u64(p)) } }
extension UInt64: FlatBufferScalar { public static var width: Int { 8 }; public static func read(_ b: FlatBuffer, _ p: Int) -> UInt64 { b.u64(p) } }
extension Float: FlatBufferScalar { public static var width: Int { 4 }; public static func read(_ b: FlatBuffer, _ p: Int) -> Float { Float(bitPattern: b.u32(p)) } }

/// One table: its position, checked vtable and inline size. Field accessors take the schema's field id
/// (declaration order, counting a union as two ids).
public struct FlatBufferTable: Sendable {
    public let buffer: FlatBuffer
    public let position: Int
    let vtable: Int
    let vtableSize: Int
    let tableSize: Int
    /// The field path of this table, for error messages.
    public let path: String

    func sub(_ name: String) -> String { path.isEmpty ? name : path + "." + name }

    /// The absolute position of field `id` (nil if absent), checked to lie inside the table's inline bytes.
    func fieldPosition(_ id: Int, width: Int, name: String) throws(FlatBufferError) -> Int? {
        let slot = 4 + 2 * id
        guard slot + 2 <= vtableSize else { return nil }
        let off = Int(buffer.u16(vtable + slot))
        if off == 0 { return nil }
        guard off >= 4, off + width <= tableSize else {
            throw FlatBufferError(path: sub(name), problem: "field offset \(off) (\(width) bytes) lies outside its \(tableSize)-byte table")
        }
        return position + off
    }

    /// Whether field `id` is present.
    public func has(_ id: Int) -> Bool {
        let slot = 4 + 2 * id
        return slot + 2 <= vtableSize && buffer.u16(vtable + slot) != 0
    }

    /// A scalar field, or `defaultValue` when absent.
    public func scalar<T: FlatBufferScalar>(_ id: Int, _ name: String, default defaultValue: T) throws(FlatBufferError) -> T {
        guard let p = try fieldPosition(id, width: T.width, name: name) else { return defaultValue }
        return T.read(buffer, p)
    }

    /// The absolute target of a reference field (nil if absent).
    func target(_ id: Int, _ name: String) throws(FlatBufferError) -> Int? {
        guard let p = try fieldPosition(id, width: 4, name: name) else { return nil }
        let t = p + Int(buffer.u32(p))
        try buffer.check(t, 4, sub(name), "target of the offset at byte \(p)")
        return t
    }

    /// A sub-table field (nil if absent).
    public func table(_ id: Int, _ name: String) throws(FlatBufferError) -> FlatBufferTable? {
        guard let t = try target(id, name) else { return nil }
        return try buffer.table(at: t, path: sub(name))
    }

    /// A vector field: element count and the position of element 0 (nil if absent). The elements'
    /// bytes are checked to lie in the buffer; `maxCount` caps the count.
    public func vector(_ id: Int, _ name: String, elementWidth: Int, maxCount: Int = Int(UInt32.max)) throws(FlatBufferError) -> FlatBufferVector? {
        guard let t = try target(id, name) else { return nil }
        let n = Int(buffer.u32(t))
        let path = sub(name)
        guard n <= maxCount else { throw FlatBufferError(path: path, problem: "vector of \(n) elements is longer than the limit \(maxCount)") }
        let start = t + 4
        guard n <= (buffer.count - start) / elementWidth else {
            throw FlatBufferError(path: path, problem: "vector of \(n) elements of \(elementWidth) bytes at byte \(start) runs past the end of the \(buffer.count)-byte file")
        }
        return FlatBufferVector(buffer: buffer, start: start, count: n, elementWidth: elementWidth, path: path)
    }

    /// A vector of scalars, or nil if absent.
    public func scalars<T: FlatBufferScalar>(_ id: Int, _ name: String, as: T.Type, maxCount: Int = Int(UInt32.max)) throws(FlatBufferError) -> [T]? {
        guard let v = try vector(id, name, elementWidth: T.width, maxCount: maxCount) else { return nil }
        var out: [T] = []
        out.reserveCapacity(v.count)
        for i in 0..<v.count { out.append(T.read(buffer, v.start + i * T.width)) }
        return out
    }

    /// A byte vector as a slice of the buffer, or nil if absent.
    public func bytes(_ id: Int, _ name: String, maxCount: Int = Int(UInt32.max)) throws(FlatBufferError) -> ArraySlice<UInt8>? {
        guard let v = try vector(id, name, elementWidth: 1, maxCount: maxCount) else { return nil }
        return buffer.bytes[v.start..<(v.start + v.count)]
    }

    /// A string field (UTF-8; invalid sequences are replaced), or nil if absent.
    public func string(_ id: Int, _ name: String, maxCount: Int = 1 << 16) throws(FlatBufferError) -> String? {
        guard let b = try bytes(id, name, maxCount: maxCount) else { return nil }
        return String(decoding: b, as: UTF8.self)
    }

    /// A vector of tables: count and element accessor (nil if absent).
    public func tables(_ id: Int, _ name: String, maxCount: Int) throws(FlatBufferError) -> FlatBufferVector? {
        try vector(id, name, elementWidth: 4, maxCount: maxCount)
    }

    /// A union stored at ids (typeId, typeId + 1): its type tag (0 = NONE) and table (nil if NONE or absent).
    public func union(_ typeId: Int, _ name: String) throws(FlatBufferError) -> (type: UInt8, table: FlatBufferTable?) {
        let t: UInt8 = try scalar(typeId, name + "_type", default: 0)
        if t == 0 { return (0, nil) }
        return (t, try table(typeId + 1, name))
    }
}

/// A checked vector: `count` elements of `elementWidth` bytes from `start`, all inside the buffer.
public struct FlatBufferVector: Sendable {
    public let buffer: FlatBuffer
    public let start: Int
    public let count: Int
    public let elementWidth: Int
    public let path: String

    /// Element `i` of a vector of tables (each element a uoffset relative to itself).
    public func table(_ i: Int) throws(FlatBufferError) -> FlatBufferTable {
        precondition(i >= 0 && i < count, "FlatBufferVector.table: index \(i) outside 0..<\(count) (a caller bug)")
        let p = start + 4 * i
        let t = p + Int(buffer.u32(p))
        let path = "\(self.path)[\(i)]"
        return try buffer.table(at: t, path: path)
    }
}
