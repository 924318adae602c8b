import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Output paths checked against each other and against the run's inputs before any work (issue 16): a run
/// must not replace its own model, data set or certificate table, and two outputs must not be one file
/// (the second would replace the first). Paths are compared after resolving `.`/`..` and symbolic links
/// (as far as the path exists), and existing files also by device and inode (hard links).
package enum OutputPaths {
    package struct FileID: Hashable { var device: UInt64; var inode: UInt64 }

    /// The absolute path with symbolic links resolved in its longest existing prefix.
    package static func resolved(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var rest: [String] = []
        while true {
            if let r = realpath(url.path, nil) {
                defer { free(r) }
                var base = URL(fileURLWithPath: String(cString: r))
                for c in rest.reversed() { base.appendPathComponent(c) }
                return base.path
            }
            if url.path == "/" || url.path.isEmpty { return URL(fileURLWithPath: path).standardizedFileURL.path }
            rest.append(url.lastPathComponent)
            url = url.deletingLastPathComponent()
        }
    }

    package static func identity(_ path: String) -> FileID? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    /// Throws a usage error when two outputs are one file or an output is one of the inputs.
    /// Each entry is (what, path), e.g. ("--jsonl", "d/x.out") or ("the data set (--data)", "data.json").
    package static func checkDistinct(outputs: [(String, String)], inputs: [(String, String)]) throws {
        func same(_ a: String, _ b: String) -> Bool {
            if resolved(a) == resolved(b) { return true }
            if let x = identity(a), let y = identity(b) { return x == y }
            return false
        }
        for (i, o) in outputs.enumerated() {
            for p in outputs[..<i] where same(o.1, p.1) {
                throw RunError(usage: "output \(o.0) \(o.1) and output \(p.0) \(p.1) are the same file; give each output its own path (nothing was written)")
            }
            for inp in inputs where same(o.1, inp.1) {
                throw RunError(usage: "output \(o.0) \(o.1) is \(inp.0) \(inp.1): the run would overwrite its own input; choose another output path (nothing was written)")
            }
        }
    }
}
