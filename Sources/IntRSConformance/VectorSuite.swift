import Foundation
import IntRSCore

/// A suite of generated vectors: one file `Vectors/<name>.v<version>.json` and its schema.
///
/// `generate()` must be deterministic: the same IntRS version produces byte-identical output.
/// `conform(_:)` runs the *other* implementations (the fast runtime) against the decoded file and
/// returns one message per failing case, naming its id.
public protocol VectorSuite {
    static var name: String { get }
    static var version: Int { get }
    /// The canonical bytes of the vector file, computed by the reference.
    static func generate() throws -> Data
    /// Checks other implementations (e.g. the fast runtime) against the file's cases.
    static func conform(_ data: Data) throws -> [String]
}

extension VectorSuite {
    public static var fileName: String { "\(name).v\(version).json" }
    public static func conform(_ data: Data) throws -> [String] { [] }
}

/// Generation and checking of every registered suite.
public enum Vectors {
    /// Writes every suite's file into `directory`. Returns the file names written.
    @discardableResult
    public static func generate(into directory: URL, only: Set<String>? = nil,
                                progress: (String) -> Void = { _ in }) throws -> [String] {
        var written: [String] = []
        for s in VectorSuites.all where only == nil || only!.contains(s.name) {
            progress("generating \(s.fileName)")
            let data = try s.generate()
            let url = directory.appendingPathComponent(s.fileName)
            do { try data.write(to: url, options: .atomic) } catch {
                throw ConformError.io(file: url.path, detail: "cannot write: \(fileWriteFailureReason(path: url.path, error))")
            }
            written.append(s.fileName)
        }
        return written
    }

    /// Re-derives every suite and compares with the files in `directory` byte for byte, then runs
    /// each suite's conformance check. Returns the problems found (empty means all good).
    public static func check(directory: URL, only: Set<String>? = nil,
                             progress: (String) -> Void = { _ in }) -> [String] {
        var problems: [String] = []
        for s in VectorSuites.all where only == nil || only!.contains(s.name) {
            progress("checking \(s.fileName)")
            let url = directory.appendingPathComponent(s.fileName)
            guard let onDisk = try? Data(contentsOf: url) else {
                problems.append(VectorError.missing(file: url.path).description)
                continue
            }
            do {
                let fresh = try s.generate()
                if fresh != onDisk {
                    problems.append("\(url.path): differs from a fresh generation (\(firstDifference(onDisk, fresh)))")
                }
                problems += try s.conform(onDisk).map { "\(url.path): \($0)" }
            } catch {
                problems.append("\(url.path): \(error)")
            }
        }
        return problems
    }

    static func firstDifference(_ a: Data, _ b: Data) -> String {
        let la = String(decoding: a, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let lb = String(decoding: b, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(la.count, lb.count) {
            let x = i < la.count ? String(la[i]) : "<end of file>"
            let y = i < lb.count ? String(lb[i]) : "<end of file>"
            if x != y { return "first at line \(i + 1): file has \(x.prefix(120)) but generation gives \(y.prefix(120))" }
        }
        return "no line differs"
    }
}
