import Foundation

/// A `.npy` file problem: the file, the tensor it was read for (when known), the header field or element, the
/// offending value and what is wrong.
public struct NpyError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var tensor: String?
    /// "magic", "version", "header_len", "header", "descr", "fortran_order", "shape", "data" or "data[k]".
    public var field: String
    public var value: String
    public var problem: String
    public var description: String {
        "\(file)\(tensor.map { ": tensor \($0)" } ?? ""): field \(field) = \(value): \(problem)"
    }
}

/// A decoded `.npy` array: dtype, shape and the raw little-endian element bytes (row-major).
public struct NpyArray: Equatable, Sendable {
    /// The element types accepted, by their NumPy `descr` (little-endian, or `|` for one byte).
    public enum DType: String, Sendable, CaseIterable {
        case int8 = "|i1", uint8 = "|u1", int16 = "<i2", int32 = "<i4", int64 = "<i8", float32 = "<f4", float64 = "<f8"
        public var itemSize: Int {
            switch self {
            case .int8, .uint8: return 1
            case .int16: return 2
            case .int32, .float32: return 4
            case .int64, .float64: return 8
            }
        }
        /// The runner protocol's dtype name.
        public var name: String {
            switch self {
            case .int8: return "int8"; case .uint8: return "uint8"; case .int16: return "int16"; case .int32: return "int32"
            case .int64: return "int64"; case .float32: return "float32"; case .float64: return "float64"
            }
        }
    }
    public var dtype: DType
    public var shape: [Int]
    public var bytes: [UInt8]

    public var count: Int { shape.reduce(1, *) }
}

/// The NumPy `.npy` format, versions 1.0, 2.0 and 3.0 (numpy/numpy, numpy/lib/format.py, the module docstring
/// "Format Version 1.0" ...; NEP 1):
///
///     bytes 0..<6   magic "\x93NUMPY"
///     bytes 6, 7    major, minor version (1.0; 2.0 and 3.0 widen header_len to 4 bytes; 3.0 allows UTF-8)
///     header_len    little-endian UInt16 (1.0) or UInt32 (2.0, 3.0)
///     header        an ASCII Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...), }, padded
///                   with spaces and ended by '\n' so the data starts at a multiple of 64 (16 in old writers)
///     data          the elements, row-major (C order) when fortran_order is False
///
/// Reader (outside input: runtime outputs and conformance packs): the header must be a dict with exactly the keys
/// descr, fortran_order and shape; descr one of `NpyArray.DType` (little-endian; '<i1', 'i1', '|i1' and '>i1'
/// alike for one byte); fortran_order False (True is accepted only for rank <= 1, where the orders agree); shape a
/// tuple of at most 8 non-negative integers whose product is at most 2^24; the data exactly product * item size
/// bytes. header_len is capped at 10000 bytes (as NumPy does). Everything is bounds-checked: a truncated or
/// hostile file gives an `NpyError` naming the field and value, never a trap.
/// Writer: version 1.0, int8 ('|i1'), C order, header padded to a multiple of 64 bytes, as NumPy writes it.
public enum NpyFile {
    public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    public static let maxHeader = 10_000
    public static let maxRank = 8
    public static let maxElements = 1 << 24

    /// The `.npy` bytes of an int8 tensor (values must lie in [-128, 127]; a caller bug otherwise).
    public static func encodeInt8(_ values: [Int], shape: [Int]) -> Data {
        precondition(values.count == shape.reduce(1, *), "NpyFile.encodeInt8: \(values.count) values for shape \(shape)")
        let dims = shape.map(String.init)
        let tuple = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
        var header = "{'descr': '|i1', 'fortran_order': False, 'shape': \(tuple), }"
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data(magic)
        out.append(contentsOf: [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
        out.append(contentsOf: Array(header.utf8))
        out.append(contentsOf: values.map { UInt8(bitPattern: Int8($0)) })
        return out
    }

    /// Decodes a `.npy` file. `file` and `tensor` name it in errors.
    public static func decode(_ data: Data, file: String, tensor: String? = nil) throws(NpyError) -> NpyArray {
        let b = [UInt8](data)
        func fail(_ field: String, _ value: String, _ problem: String) -> NpyError {
            NpyError(file: file, tensor: tensor, field: field, value: value, problem: problem)
        }
        guard b.count >= 10, Array(b[0..<6]) == magic else {
            throw fail("magic", b.prefix(6).map { String(format: "%02x", $0) }.joined(), "not a .npy file (expected the 6 bytes 93 4e 55 4d 50 59, \"\\x93NUMPY\")")
        }
        let major = Int(b[6]), minor = Int(b[7])
        guard [1, 2, 3].contains(major), minor == 0 else { throw fail("version", "\(major).\(minor)", "only versions 1.0, 2.0 and 3.0 exist") }
        var start = 10, headerLen = Int(b[8]) | Int(b[9]) << 8
        if major >= 2 {
            guard b.count >= 12 else { throw fail("header_len", "(truncated)", "the file ends inside the 4-byte header length") }
            headerLen = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24
            start = 12
        }
        guard headerLen <= maxHeader else { throw fail("header_len", "\(headerLen)", "longer than the \(maxHeader)-byte limit") }
        guard headerLen <= b.count - start else { throw fail("header_len", "\(headerLen)", "the file has only \(b.count - start) bytes after the header length") }
        let hb = Array(b[start..<(start + headerLen)])
        if major < 3, let k = hb.firstIndex(where: { $0 >= 0x80 }) {
            throw fail("header", "byte \(k) = 0x\(String(hb[k], radix: 16))", "a version \(major).0 header is ASCII")
        }
        let text = String(decoding: hb, as: UTF8.self)
        var p = HeaderParser(chars: Array(text.unicodeScalars))
        let dict: [String: HeaderValue]
        do { dict = try p.dict() } catch {
            throw fail("header", PrintedValue.abbreviated(text.trimmingCharacters(in: .whitespacesAndNewlines)), "not a Python dict literal of the .npy header: \(error.problem)")
        }
        let keys = Set(dict.keys)
        guard keys == ["descr", "fortran_order", "shape"] else {
            throw fail("header", "keys \(dict.keys.sorted())", "expected exactly descr, fortran_order and shape")
        }
        guard case .string(let descrRaw) = dict["descr"]! else { throw fail("descr", "\(dict["descr"]!)", "must be a string") }
        let descr: String
        switch descrRaw {
        case "i1", "<i1", ">i1", "|i1", "b": descr = "|i1"
        case "u1", "<u1", ">u1", "|u1", "B": descr = "|u1"
        default: descr = descrRaw
        }
        guard let dtype = NpyArray.DType(rawValue: descr) else {
            throw fail("descr", "'\(descrRaw)'", "unsupported dtype; expected one of \(NpyArray.DType.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")) (little-endian)")
        }
        guard case .bool(let fortran) = dict["fortran_order"]! else { throw fail("fortran_order", "\(dict["fortran_order"]!)", "must be True or False") }
        guard case .tuple(let shape) = dict["shape"]! else { throw fail("shape", "\(dict["shape"]!)", "must be a tuple of integers") }
        guard shape.count <= maxRank else { throw fail("shape", "\(shape)", "more than \(maxRank) dimensions") }
        var n = 1
        for d in shape {
            guard d >= 0 else { throw fail("shape", "\(shape)", "a negative dimension") }
            guard d <= maxElements, n <= maxElements / max(d, 1) else { throw fail("shape", "\(shape)", "more than 2^24 elements") }
            n *= d
        }
        guard !fortran || shape.count <= 1 else { throw fail("fortran_order", "True", "Fortran (column-major) order is not supported; write C order") }
        let dataStart = start + headerLen
        let need = n * dtype.itemSize, have = b.count - dataStart
        guard have == need else {
            throw fail("data", "\(have) bytes", "shape \(shape) of \(dtype.rawValue) needs exactly \(need) bytes")
        }
        return NpyArray(dtype: dtype, shape: shape, bytes: Array(b[dataStart...]))
    }

    /// The elements as integers. Float elements must be finite integers (NaN, infinities and fractions are
    /// refused, naming the element); every type is read exactly (64-bit integers beyond +-2^53 are fine).
    public static func integers(_ a: NpyArray, file: String, tensor: String? = nil) throws(NpyError) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(a.count)
        let w = a.dtype.itemSize
        for k in 0..<a.count {
            var u: UInt64 = 0
            for j in 0..<w { u |= UInt64(a.bytes[k * w + j]) << (8 * UInt64(j)) }
            switch a.dtype {
            case .int8: out.append(Int(Int8(truncatingIfNeeded: u)))
            case .uint8: out.append(Int(u))
            case .int16: out.append(Int(Int16(truncatingIfNeeded: u)))
            case .int32: out.append(Int(Int32(truncatingIfNeeded: u)))
            case .int64: out.append(Int(Int64(bitPattern: u)))
            case .float32, .float64:
                let d = a.dtype == .float32 ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: u))) : Double(bitPattern: u)
                guard d.isFinite, d == d.rounded(), abs(d) < 9e15 else {
                    throw NpyError(file: file, tensor: tensor, field: "data[\(k)]", value: "\(d)", problem: "not an integer (NaN, infinite or fractional)")
                }
                out.append(Int(d))
            }
        }
        return out
    }

    // MARK: the header dict

    enum HeaderValue: CustomStringConvertible, Equatable {
        case string(String), bool(Bool), tuple([Int])
        var description: String {
            switch self {
            case .string(let s): return "'\(s)'"
            case .bool(let b): return b ? "True" : "False"
            case .tuple(let t): return "(" + t.map(String.init).joined(separator: ", ") + (t.count == 1 ? ",)" : ")")
            }
        }
    }

    struct HeaderProblem: Error { var problem: String }

    /// A strict parser of the header's dict literal (no evaluation): string keys, values that are strings,
    /// True/False or tuples of non-negative decimal integers; whitespace anywhere, one trailing comma allowed.
    struct HeaderParser {
        let chars: [Unicode.Scalar]
        var i = 0

        mutating func skip() { while i < chars.count, chars[i] == " " || chars[i] == "\n" || chars[i] == "\t" || chars[i] == "\r" { i += 1 } }
        mutating func expect(_ c: Unicode.Scalar) throws(HeaderProblem) {
            skip()
            guard i < chars.count, chars[i] == c else { throw HeaderProblem(problem: "expected '\(c)' at character \(i)") }
            i += 1
        }
        mutating func peek(_ c: Unicode.Scalar) -> Bool { skip(); return i < chars.count && chars[i] == c }

        mutating func string() throws(HeaderProblem) -> String {
            skip()
            guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else { throw HeaderProblem(problem: "expected a quoted string at character \(i)") }
            let q = chars[i]; i += 1
            var s = ""
            while i < chars.count, chars[i] != q {
                guard chars[i] != "\\", s.unicodeScalars.count < 64 else { throw HeaderProblem(problem: "string at character \(i) has an escape or is too long") }
                s.unicodeScalars.append(chars[i]); i += 1
            }
            guard i < chars.count else { throw HeaderProblem(problem: "unterminated string") }
            i += 1
            return s
        }

        mutating func integer() throws(HeaderProblem) -> Int {
            skip()
            var v = 0, digits = 0
            while i < chars.count, let d = Int(String(chars[i])), chars[i].isASCII {
                guard digits < 10 else { throw HeaderProblem(problem: "integer too long at character \(i)") }
                v = v * 10 + d; digits += 1; i += 1
            }
            guard digits > 0 else { throw HeaderProblem(problem: "expected a non-negative integer at character \(i)") }
            if i < chars.count, chars[i] == "L" { i += 1 } // Python 2 long suffix, as old writers produced
            return v
        }

        mutating func value() throws(HeaderProblem) -> HeaderValue {
            skip()
            guard i < chars.count else { throw HeaderProblem(problem: "the header ends where a value is expected") }
            if chars[i] == "'" || chars[i] == "\"" { return .string(try string()) }
            if chars[i] == "(" {
                i += 1
                var t: [Int] = []
                while !peek(")") {
                    guard t.count <= NpyFile.maxRank else { throw HeaderProblem(problem: "tuple longer than \(NpyFile.maxRank)") }
                    t.append(try integer())
                    if peek(",") { i += 1 } else { break }
                }
                try expect(")")
                return .tuple(t)
            }
            for (word, v) in [("True", true), ("False", false)] {
                let w = Array(word.unicodeScalars)
                if i + w.count <= chars.count, Array(chars[i..<(i + w.count)]) == w { i += w.count; return .bool(v) }
            }
            throw HeaderProblem(problem: "unexpected character '\(chars[i])' at character \(i)")
        }

        mutating func dict() throws(HeaderProblem) -> [String: HeaderValue] {
            try expect("{")
            var d: [String: HeaderValue] = [:]
            while !peek("}") {
                let k = try string()
                guard d[k] == nil else { throw HeaderProblem(problem: "key '\(k)' appears twice") }
                guard d.count < 8 else { throw HeaderProblem(problem: "too many keys") }
                try expect(":")
                d[k] = try value()
                if peek(",") { i += 1 } else { break }
            }
            try expect("}")
            skip()
            guard i == chars.count else { throw HeaderProblem(problem: "text after the dict at character \(i)") }
            return d
        }
    }
}
