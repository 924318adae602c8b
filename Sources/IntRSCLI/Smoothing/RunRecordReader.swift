import Foundation
import IntRSCore
import IntRSConformance

/// Reads a JSON Lines file of run records. A malformed line does not stop the others: each line yields a
/// record or a message naming the line number and the field.
enum RunRecordReader {
    struct Line { var number: Int; var text: String; var record: RunRecord?; var error: String? }

    static func read(_ path: String) throws -> [Line] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIError("\(path): cannot read: \(fileReadFailureReason(path: path, error))")
        }
        let text = String(decoding: data, as: UTF8.self)
        var out: [Line] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = String(raw)
            if t.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            // The format field first, so another kind of JSON line (e.g. a float-baseline record) is named as such.
            struct Head: Decodable { var format: String? }
            if let h = try? JSONDecoder().decode(Head.self, from: Data(t.utf8)), let f = h.format, f != RunRecord.formatName {
                let hint = f == "intrs-float-baseline-record"
                    ? " (a float-baseline file: it holds no certificates to audit; check its -float.tsv with `intrs audit --cohen-tsv ... --radius-format floor:6`)" : ""
                out.append(Line(number: i + 1, text: t, record: nil, error: "\(path):\(i + 1): field format is \"\(f)\", expected \"\(RunRecord.formatName)\"\(hint)"))
                continue
            }
            do {
                let r = try JSONDecoder().decode(RunRecord.self, from: Data(t.utf8))
                if r.format != RunRecord.formatName {
                    out.append(Line(number: i + 1, text: t, record: nil, error: "\(path):\(i + 1): field format is \"\(r.format)\", expected \"\(RunRecord.formatName)\""))
                } else if let e = versionError(version: r.version, streamSpec: r.streamSpec, readable: RunRecord.readableVersions) {
                    out.append(Line(number: i + 1, text: t, record: nil, error: "\(path):\(i + 1): \(e)"))
                } else {
                    out.append(Line(number: i + 1, text: t, record: r, error: nil))
                }
            } catch {
                out.append(Line(number: i + 1, text: t, record: nil, error: "\(path):\(i + 1): malformed run record: \(describeDecodingError(error))"))
            }
        }
        return out
    }

    /// The version rules shared by run records and float-baseline records: version 2 requires `streamSpec`,
    /// version 1 predates it (must not carry it), other versions are not read. Nil when the line is fine.
    static func versionError(version: Int, streamSpec: Int?, readable: ClosedRange<Int>) -> String? {
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
