import Foundation
import IntRSCore

/// Reads a JSON Lines file of run records. A malformed line does not stop the others: each line yields a
/// record or a message naming the line number and the field. Every record is checked field by field
/// (``RunRecordValidation``) before it is returned, the same checks for `intrs audit` and `intrs merge`.
package enum RunRecordReader {
    package struct Line { var number: Int; var record: RunRecord?; var error: String? }

    /// Longest line read, bytes (a run record is about 1 KiB; longer lines are reported, not held in memory).
    package static let maxLineBytes = 1 << 20

    /// Calls `body` with each non-blank line (1-based number, text) of the file in order, reading it in chunks:
    /// memory is bounded by `maxLineBytes` whatever the file's size. A line longer than that is passed as nil
    /// (its bytes are skipped).
    package static func forEachLine(_ path: String, _ body: (Int, String?) throws -> Void) throws {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path)) } catch {
            throw RunError("\(path): cannot read: \(fileReadFailureReason(path: path, error))")
        }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        var overlong = false
        var number = 0
        func emit() throws {
            number += 1
            if overlong { try body(number, nil) }
            else {
                let t = String(decoding: buffer, as: UTF8.self)
                if !t.trimmingCharacters(in: .whitespaces).isEmpty { try body(number, t) }
            }
            buffer.removeAll(keepingCapacity: true); overlong = false
        }
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 16) ?? Data() } catch {
                throw RunError("\(path): cannot read: \(fileReadFailureReason(path: path, error))")
            }
            if chunk.isEmpty { break }
            var start = chunk.startIndex
            while start < chunk.endIndex {
                let nl = chunk[start...].firstIndex(of: 0x0A)
                let end = nl ?? chunk.endIndex
                if !overlong {
                    if buffer.count + (end - start) > maxLineBytes { overlong = true; buffer.removeAll() }
                    else { buffer.append(contentsOf: chunk[start..<end]) }
                }
                guard let nl else { break }
                try emit()
                start = chunk.index(after: nl)
            }
        }
        if overlong || !buffer.isEmpty { try emit() }
    }

    /// One line's record, or its error ("file:line: ...").
    package static func parse(_ text: String?, number: Int, path: String) -> Line {
        guard let t = text else {
            return Line(number: number, record: nil, error: "\(path):\(number): line longer than \(maxLineBytes) bytes: not a run record")
        }
        // The format field first, so another kind of JSON line (e.g. a float-baseline record) is named as such.
        struct Head: Decodable { var format: String? }
        if let h = try? JSONDecoder().decode(Head.self, from: Data(t.utf8)), let f = h.format, f != RunRecord.formatName {
            let hint = f == "intrs-float-baseline-record"
                ? " (a float-baseline file: it holds no certificates to audit; check its -float.tsv with `intrs audit --cohen-tsv ... --radius-format floor:6`)" : ""
            return Line(number: number, record: nil, error: "\(path):\(number): field format is \"\(f.prefix(80))\", expected \"\(RunRecord.formatName)\"\(hint)")
        }
        do {
            let r = try JSONDecoder().decode(RunRecord.self, from: Data(t.utf8))
            if r.format != RunRecord.formatName {
                return Line(number: number, record: nil, error: "\(path):\(number): field format is \"\(r.format.prefix(80))\", expected \"\(RunRecord.formatName)\"")
            } else if let e = versionError(version: r.version, streamSpec: r.streamSpec, readable: RunRecord.readableVersions) {
                return Line(number: number, record: nil, error: "\(path):\(number): \(e)")
            } else if let e = RunRecordValidation.problem(r) {
                return Line(number: number, record: nil, error: "\(path):\(number): \(e)")
            }
            return Line(number: number, record: r, error: nil)
        } catch {
            return Line(number: number, record: nil, error: "\(path):\(number): malformed run record: \(describeDecodingError(error))")
        }
    }

    /// Every line of the file (for `intrs merge`, which holds the records anyway).
    package static func read(_ path: String) throws -> [Line] {
        var out: [Line] = []
        try forEachLine(path) { n, t in out.append(parse(t, number: n, path: path)) }
        return out
    }

    /// The version rules shared by run records and float-baseline records: version 2 requires `streamSpec`,
    /// version 1 predates it (must not carry it), other versions are not read. Nil when the line is fine.
    package static func versionError(version: Int, streamSpec: Int?, readable: ClosedRange<Int>) -> String? {
        guard readable.contains(version) else {
            return "field version is \(version), this build reads versions \(readable.lowerBound) to \(readable.upperBound)"
        }
        if version >= 2 && streamSpec == nil {
            return "field streamSpec is missing (required from version 2: the stream specification, Vectors/stream-spec.md, that drew the record's noise)"
        }
        if version == 1, let s = streamSpec {
            return "field streamSpec (\(s)) in a version 1 record (version 1 has no such field; version 2 records carry it)"
        }
        return nil
    }
}
