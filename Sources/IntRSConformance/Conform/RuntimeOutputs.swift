import Foundation
import IntRSCore

/// A runtime's outputs for a conformance pack: format "intrs-runtime-outputs", version 1
/// (Vectors/conformance-pack.md, schema Vectors/runtime-outputs.v1.schema.json).
///
/// Values are read as JSON numbers that must be integers; anything else (a fraction, NaN, a string, an
/// out-of-range value) is an error naming the file, the run, the case and the tensor.
public struct RuntimeOutputs: Sendable {
    public static let formatName = "intrs-runtime-outputs"

    public struct RuntimeInfo: Codable, Sendable {
        public var name: String
        public var version: String?
        public var configuration: String?
    }
    public struct Run: Sendable {
        /// E.g. "threads=2,batch=24".
        public var name: String
        public var threads: Int?
        public var batch: Int?
        /// case id -> tensor name -> tensor.
        public var cases: [Int: [String: PackTensor]]
    }

    public var runtime: RuntimeInfo
    public var runs: [Run]

    /// Parses and checks the structure. `file` names the file in errors.
    public static func decode(_ data: Data, file: String) throws -> RuntimeOutputs {
        let top: Any
        switch ClosedJSONText.parse(data) {
        case .success(let t): top = t
        case .failure(let e): throw ConformError.malformed(file: file, detail: "\(e.description) (NaN and Infinity are not JSON)")
        }
        guard let o = top as? [String: Any] else { throw ConformError.malformed(file: file, detail: "top level is not an object") }
        guard o["format"] as? String == formatName else {
            throw ConformError.malformed(file: file, detail: "field format is \(o["format"].map { "\($0)" } ?? "missing"), expected \"\(formatName)\"")
        }
        guard (o["version"] as? NSNumber)?.intValue == 1 else { throw ConformError.malformed(file: file, detail: "field version must be 1") }
        guard let rt = o["runtime"] as? [String: Any], let name = rt["name"] as? String else {
            throw ConformError.malformed(file: file, detail: "field runtime.name is missing")
        }
        let info = RuntimeInfo(name: name, version: rt["version"] as? String, configuration: rt["configuration"] as? String)
        guard let runsA = o["runs"] as? [Any], !runsA.isEmpty else { throw ConformError.malformed(file: file, detail: "field runs must be a non-empty array") }
        var runs: [Run] = []
        for (ri, r) in runsA.enumerated() {
            guard let ro = r as? [String: Any] else { throw ConformError.malformed(file: file, detail: "runs[\(ri)] is not an object") }
            let rname = ro["name"] as? String ?? "runs[\(ri)]"
            guard let cs = ro["cases"] as? [Any] else { throw ConformError.malformed(file: file, detail: "run \(rname): field cases must be an array") }
            var byID: [Int: [String: PackTensor]] = [:]
            for (ci, c) in cs.enumerated() {
                guard let co = c as? [String: Any], let idN = co["id"] as? NSNumber, let outs = co["outputs"] as? [String: Any] else {
                    throw ConformError.malformed(file: file, detail: "run \(rname): cases[\(ci)] needs an integer id and an outputs object")
                }
                let id = idN.intValue
                guard byID[id] == nil else { throw ConformError.malformed(file: file, detail: "run \(rname): case \(id) appears twice") }
                var ts: [String: PackTensor] = [:]
                for (tname, tv) in outs {
                    let at = "run \(rname), case \(id), tensor \(tname)"
                    guard let to = tv as? [String: Any] else { throw ConformError.mismatch(file: file, where: at, detail: "not an object") }
                    if let ref = to["npy"] {
                        ts[tname] = try npyTensor(ref, keys: Array(to.keys), outputsFile: file, at: at, tensor: tname)
                        continue
                    }
                    guard let dtype = to["dtype"] as? String else { throw ConformError.mismatch(file: file, where: at, detail: "field dtype is missing") }
                    guard let shapeA = to["shape"] as? [Any], let shape = ints(shapeA), shape.allSatisfy({ $0 >= 0 }) else {
                        throw ConformError.mismatch(file: file, where: at, detail: "field shape must be an array of non-negative integers")
                    }
                    guard let dataA = to["data"] as? [Any] else { throw ConformError.mismatch(file: file, where: at, detail: "field data must be an array") }
                    var vals: [Int] = []
                    vals.reserveCapacity(dataA.count)
                    for (k, x) in dataA.enumerated() {
                        guard let d = number(x) else {
                            throw ConformError.mismatch(file: file, where: at, detail: "data[\(k)] = \(x) is not a number")
                        }
                        let n = x
                        guard d.isFinite, d == d.rounded(), abs(d) < 9e15 else {
                            throw ConformError.mismatch(file: file, where: at, detail: "data[\(k)] = \(n) is not an integer (NaN, infinite or fractional)")
                        }
                        vals.append(Int(d))
                    }
                    ts[tname] = PackTensor(dtype: dtype, shape: shape, data: vals)
                }
                byID[id] = ts
            }
            runs.append(Run(name: rname, threads: (ro["threads"] as? NSNumber)?.intValue, batch: (ro["batch"] as? NSNumber)?.intValue, cases: byID))
        }
        return RuntimeOutputs(runtime: info, runs: runs)
    }

    /// The largest `.npy` file read: 2^24 elements of 8 bytes and a header.
    static let maxNpyBytes = (1 << 27) + 16_384

    /// A tensor given as `{"npy": "relative/path.npy"}`: the file, relative to the outputs file's directory (no
    /// absolute path, no `..`), read with `NpyFile` (any integer dtype, or a float dtype holding integers).
    static func npyTensor(_ ref: Any, keys: [String], outputsFile file: String, at: String, tensor: String) throws -> PackTensor {
        guard keys == ["npy"] else { throw ConformError.mismatch(file: file, where: at, detail: "a tensor given by \"npy\" has no other fields (got \(keys.sorted()))") }
        guard let rel = ref as? String, !rel.isEmpty, !rel.hasPrefix("/"), !rel.split(separator: "/").contains("..") else {
            throw ConformError.mismatch(file: file, where: at, detail: "field npy = \(ref) must be a relative path without \"..\"")
        }
        let url = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(rel)
        let attrs = try? FileManager.default.attributesOfItem(atPath: url.path)
        guard let attrs, attrs[.type] as? FileAttributeType == .typeRegular else {
            throw ConformError.io(file: url.path, detail: "\(at): the .npy file is missing or not a regular file")
        }
        guard let size = attrs[.size] as? NSNumber, size.intValue <= maxNpyBytes else {
            throw ConformError.io(file: url.path, detail: "\(at): larger than \(maxNpyBytes) bytes")
        }
        let data = try ConformancePackBuilder.readFile(url)
        let a = try NpyFile.decode(data, file: url.path, tensor: tensor)
        return PackTensor(dtype: a.dtype.name, shape: a.shape, data: try NpyFile.integers(a, file: url.path, tensor: tensor))
    }

    /// A JSON number as a Double; nil for booleans, strings, null and the rest.
    static func number(_ x: Any) -> Double? {
        if x is Bool && "\(type(of: x))".contains("Bool") { return nil }
        guard let n = x as? NSNumber else { return nil }
        if "\(type(of: n))".lowercased().contains("bool") { return nil }
        return n.doubleValue
    }

    static func ints(_ a: [Any]) -> [Int]? {
        var out: [Int] = []
        for x in a {
            guard let d = number(x) else { return nil }
            guard d.isFinite, d == d.rounded(), abs(d) < 1e9 else { return nil }
            out.append(Int(d))
        }
        return out
    }
}
