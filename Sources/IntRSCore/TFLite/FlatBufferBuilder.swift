/// A minimal FlatBuffers WRITER (the binary format of https://flatbuffers.dev, "Internals"), the counterpart of
/// `FlatBuffer` (FlatBufferReader.swift): enough to write a TFLite model (`TFLiteWriter`).
///
/// Like the official builders it builds the buffer back to front, so every uoffset it writes points forward
/// (to an object finished earlier, which lies later in the file), which is what `FlatBuffer` requires.
/// Positions are kept as "offsets": the distance of an object's first byte from the END of the buffer, which
/// does not change as more bytes are prepended. Bytes are stored reversed (`rev`), so prepending is an append.
///
/// Layout written (all little-endian):
/// - scalars aligned to their width, measured from the end; `finish` pads the front so the total size is a
///   multiple of the largest alignment used, which makes every alignment hold from the start of the file too;
/// - a vector: UInt32 count, then the elements (aligned to max(4, element width) at its first element);
/// - a string: a byte vector followed by a NUL;
/// - a table: Int32 soffset to its vtable (vtable = table - soffset; the vtable is written just before the
///   table), then its fields; the vtable: UInt16 vtable size, UInt16 table size, one UInt16 per field id
///   (0 = absent). Every field added is written, defaults included (no vtable sharing, no default elision);
/// - the root: UInt32 uoffset to the root table, then the 4-byte file identifier.
/// Misuse (a field added outside a table, a table started inside another) is a programming error (precondition).
public struct FlatBufferBuilder {
    /// Offset of a finished object: its distance from the end of the buffer.
    public typealias Offset = Int

    private var rev: [UInt8] = []
    private var maxAlign = 1
    /// Table under construction: the size when it started, and field id -> offset of the field's value.
    private var tableStart: Int? = nil
    private var fields: [Int: Int] = [:]

    public init() {}

    /// Bytes written so far.
    public var size: Int { rev.count }

    /// Pads with zeros so that after `additional` more bytes the size is a multiple of `align` (a power of two).
    mutating func prep(_ align: Int, _ additional: Int) {
        maxAlign = max(maxAlign, align)
        while (rev.count + additional) % align != 0 { rev.append(0) }
    }

    /// Prepends the little-endian bytes of `v` (no alignment).
    mutating func put<T: FixedWidthInteger>(_ v: T) {
        let w = MemoryLayout<T>.size
        let u = UInt64(truncatingIfNeeded: v)
        for k in stride(from: w - 1, through: 0, by: -1) { rev.append(UInt8(truncatingIfNeeded: u >> (8 * UInt64(k)))) }
    }

    /// Prepends `v` aligned to its width.
    mutating func push<T: FixedWidthInteger>(_ v: T) {
        prep(MemoryLayout<T>.size, 0)
        put(v)
    }

    /// Prepends a uoffset to the object at `target` (finished earlier).
    mutating func pushOffset(_ target: Offset) {
        prep(4, 0)
        precondition(target <= rev.count, "FlatBufferBuilder: offset to an object not yet written")
        put(UInt32(rev.count + 4 - target))
    }

    /// A vector of integers.
    public mutating func vector<T: FixedWidthInteger>(_ xs: [T]) -> Offset {
        let w = MemoryLayout<T>.size
        prep(4, w * xs.count)
        prep(w, w * xs.count)
        for x in xs.reversed() { put(x) }
        put(UInt32(xs.count))
        return rev.count
    }

    /// A vector of float32 (IEEE 754 binary32 bits).
    public mutating func vector(_ xs: [Float]) -> Offset { vector(xs.map(\.bitPattern)) }

    /// A byte vector whose first element is aligned to `alignment` (TFLite aligns buffer data to 16 bytes).
    public mutating func bytes(_ b: [UInt8], alignment: Int = 1) -> Offset {
        prep(4, b.count)
        prep(alignment, b.count)
        for x in b.reversed() { rev.append(x) }
        put(UInt32(b.count))
        return rev.count
    }

    /// A vector of references (tables, strings, vectors), in order.
    public mutating func vector(offsets: [Offset]) -> Offset {
        prep(4, 4 * offsets.count)
        for o in offsets.reversed() { pushOffset(o) }
        put(UInt32(offsets.count))
        return rev.count
    }

    /// A UTF-8 string (NUL-terminated after its counted bytes).
    public mutating func string(_ s: String) -> Offset {
        let u = Array(s.utf8)
        prep(4, u.count + 1)
        rev.append(0)
        for x in u.reversed() { rev.append(x) }
        put(UInt32(u.count))
        return rev.count
    }

    /// Starts a table; its reference fields' targets must already be written.
    public mutating func startTable() {
        precondition(tableStart == nil, "FlatBufferBuilder: nested startTable")
        tableStart = rev.count
        fields = [:]
    }

    /// A scalar field with schema id `id`.
    public mutating func add<T: FixedWidthInteger>(_ id: Int, _ v: T) {
        precondition(tableStart != nil, "FlatBufferBuilder: field outside a table")
        push(v)
        fields[id] = rev.count
    }

    /// A float32 field.
    public mutating func add(_ id: Int, _ v: Float) { add(id, v.bitPattern) }

    /// A reference field (table, vector, string) with schema id `id`.
    public mutating func addOffset(_ id: Int, _ target: Offset) {
        precondition(tableStart != nil, "FlatBufferBuilder: field outside a table")
        pushOffset(target)
        fields[id] = rev.count
    }

    /// Ends the table: writes its soffset and its vtable; returns the table's offset.
    public mutating func endTable() -> Offset {
        guard let start = tableStart else { preconditionFailure("FlatBufferBuilder: endTable without startTable") }
        push(Int32(0)) // the soffset, patched below
        let object = rev.count
        let ids = (fields.keys.max() ?? -1) + 1
        let tableSize = object - start
        precondition(tableSize <= Int(UInt16.max), "FlatBufferBuilder: table too large")
        // vtable: [vtable size, table size, field 0, ..., field ids-1], written back to front.
        for id in stride(from: ids - 1, through: 0, by: -1) {
            put(UInt16(fields[id].map { object - $0 } ?? 0))
        }
        put(UInt16(tableSize))
        put(UInt16(4 + 2 * ids))
        let vtable = rev.count
        // soffset = table position - vtable position = vtable offset - table offset (> 0).
        let so = UInt32(vtable - object)
        for k in 0..<4 { rev[object - 1 - k] = UInt8(truncatingIfNeeded: so >> (8 * UInt32(k))) }
        tableStart = nil
        fields = [:]
        return object
    }

    /// Finishes the buffer with `root` as its root table and the 4-byte file `identifier`; returns the bytes.
    public mutating func finish(root: Offset, identifier: String) -> [UInt8] {
        let id = Array(identifier.utf8)
        precondition(id.count == 4, "FlatBufferBuilder: a file identifier has 4 bytes")
        prep(max(maxAlign, 4), 8)
        for x in id.reversed() { rev.append(x) }
        pushOffset(root)
        return rev.reversed()
    }
}
