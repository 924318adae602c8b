import Foundation
import Testing
import IntRSCore

/// `NpyFile` against files NumPy wrote (Fuzz/corpus/npy, made with numpy 2.4.6's `np.save` and
/// `numpy.lib.format.write_array`, tools/conform's pin) and against malformed files (Fuzz/regressions/npy).
@Suite("npy reader and writer")
struct NpyFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func fuzz(_ dir: String, _ name: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent("Fuzz/\(dir)/npy/\(name)"))
    }

    @Test("the writer's bytes equal NumPy's np.save of the same int8 array")
    func writerMatchesNumPy() throws {
        let numpy = try Self.fuzz("corpus", "int8-1x2x2x3.npy")
        let ours = NpyFile.encodeInt8(Array(-6..<6), shape: [1, 2, 2, 3])
        #expect(ours == numpy)
        #expect(ours.count == 128 + 12) // header padded to 64 bytes
    }

    @Test("files NumPy wrote decode: versions 1, 2 and 3, integer and float dtypes")
    func numpyFiles() throws {
        func ints(_ n: String) throws -> (NpyArray, [Int]) {
            let a = try NpyFile.decode(try Self.fuzz("corpus", n), file: n)
            return (a, try NpyFile.integers(a, file: n))
        }
        #expect(try ints("int8-1x2x2x3.npy").1 == Array(-6..<6))
        let (f, fv) = try ints("float32-integers.npy")
        #expect(f.dtype == .float32 && f.shape == [1, 4] && fv == [1, -2, 127, -128])
        #expect(try ints("int32-scalar-shape1.npy").1 == [5])
        let (e, ev) = try ints("int64-empty.npy")
        #expect(e.shape == [0, 3] && ev.isEmpty)
        let (u, uv) = try ints("uint8-v2.npy")
        #expect(u.dtype == .uint8 && uv == [3, 4])
        #expect(try ints("float64-v3.npy").1 == [1, 2])
    }

    @Test("malformed files are refused, naming the file, tensor, field and value")
    func refusals() throws {
        func problem(_ data: Data) -> NpyError? {
            do { let a = try NpyFile.decode(data, file: "x.npy", tensor: "t1"); _ = try NpyFile.integers(a, file: "x.npy", tensor: "t1"); return nil } catch { return error }
        }
        let cases: [(String, String, String)] = [
            ("truncated-data.npy", "data", "11 bytes"), ("header-len-past-end.npy", "header_len", "65535"),
            ("nan-float32.npy", "data[1]", "nan"), ("big-endian-int32.npy", "descr", "'>i4'"),
            ("fortran-2d.npy", "fortran_order", "True"), ("complex.npy", "descr", "'<c8'"),
        ]
        for (name, field, value) in cases {
            let e = problem(try Self.fuzz("regressions", name))
            #expect(e?.field == field && e?.value == value, "\(name): \(e.map { "\($0)" } ?? "accepted")")
            #expect(e?.description.hasPrefix("x.npy: tensor t1: field \(field) = \(value): ") == true)
        }
        #expect(problem(Data("not an npy file".utf8))?.field == "magic")
        var v2 = [UInt8](NpyFile.encodeInt8([1], shape: [1])); v2[6] = 4
        #expect(problem(Data(v2))?.field == "version")
        let header = "{'descr': '|i1', 'fortran_order': False, 'shape': (1,), 'extra': 1}"
        #expect(problem(Data(NpyFile.magic + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8) + [0]))?.field == "header")
    }
}
