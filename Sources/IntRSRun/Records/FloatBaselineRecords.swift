import Foundation
#if canImport(Glibc)
import Glibc
#endif
import IntRSCore
import IntRSExact
import IntRSFloatBaseline
import IntRSRuntime

extension FloatBaselineResult {
    /// The result back from its record (exact: the record's doubles read back bit for bit).
    package init(record r: FloatBaselineRecord) {
        self.init(index: r.index, label: r.label,
                  outcome: FloatCertifyOutcome(selectionCounts: r.selectionCounts, estimationCounts: r.counts,
                                               candidate: r.candidate, nA: r.nA, pALower: r.pALower, radius: r.radius),
                  time: r.time)
    }

    /// The record of this result in a run (time as given: 0 for --no-time).
    package func record(constants c: RunConstants, n0: Int, n: Int, sigma: Double, time: Double) -> FloatBaselineRecord {
        FloatBaselineRecord(index: index, label: label, prediction: outcome.prediction ?? -1, abstain: outcome.prediction == nil,
                            correct: correct, candidate: outcome.candidate, counts: outcome.estimationCounts,
                            selectionCounts: outcome.selectionCounts, nA: outcome.nA, n: n, n0: n0,
                            alpha: c.alpha.description, pALower: outcome.pALower, radius: outcome.radius, sigma: sigma,
                            gridScale: c.gridScale.description, seed: c.seedHex, modelSHA256: c.modelSHA256,
                            dataSHA256: c.dataSHA256, time: time)
    }
}

extension RunRecordReader {
    package struct FloatLine { var number: Int; var record: FloatBaselineRecord?; var error: String? }

    /// The `format` field of the file's first non-empty line, or nil (not JSON, no such field).
    package static func firstFormat(_ path: String) throws -> String? {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw RunError("\(path): cannot read: \(fileReadFailureReason(path: path, error))")
        }
        struct Head: Decodable { var format: String }
        let text = String(decoding: data, as: UTF8.self)
        guard let first = text.split(separator: "\n").first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
        return try? JSONDecoder().decode(Head.self, from: Data(first.utf8)).format
    }

    /// Reads a float-baseline JSON Lines file; a malformed line yields a message naming the line and field.
    package static func readFloat(_ path: String) throws -> [FloatLine] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw RunError("\(path): cannot read: \(fileReadFailureReason(path: path, error))")
        }
        var out: [FloatLine] = []
        for (i, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if raw.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            do {
                let r = try JSONDecoder().decode(FloatBaselineRecord.self, from: Data(raw.utf8))
                if r.format != FloatBaselineRecord.formatName {
                    out.append(FloatLine(number: i + 1, record: nil, error: "\(path):\(i + 1): field format is \"\(r.format)\", expected \"\(FloatBaselineRecord.formatName)\""))
                } else if let e = versionError(version: r.version, streamSpec: r.streamSpec, readable: FloatBaselineRecord.readableVersions) {
                    out.append(FloatLine(number: i + 1, record: nil, error: "\(path):\(i + 1): \(e)"))
                } else if !(r.time.isFinite && r.time >= 0 && r.time <= RunRecordValidation.maxTime) {
                    out.append(FloatLine(number: i + 1, record: nil, error: "\(path):\(i + 1): field time is \(r.time): expected seconds in [0, 1e12] (wall-clock seconds; the TSV prints them in microseconds)"))
                } else if !(0...Int(UInt32.max)).contains(r.index) {
                    out.append(FloatLine(number: i + 1, record: nil, error: "\(path):\(i + 1): field index is \(r.index): expected 0 ... 2^32 - 1"))
                } else {
                    out.append(FloatLine(number: i + 1, record: r, error: nil))
                }
            } catch {
                out.append(FloatLine(number: i + 1, record: nil, error: "\(path):\(i + 1): malformed float-baseline record: \(describeDecodingError(error))"))
            }
        }
        return out
    }
}

extension RunReports {
    /// Every output file of a run (or of merged shards) with its contents: `jsonl`, `tsv`, and for certify
    /// `<base>.svg` and, with the float baseline, `<base>-float.jsonl` and `<base>-float.tsv` in `dir`.
    /// One function for `intrs certify` and `intrs merge`, so a merge reproduces a single run's files.
    package static func outputFiles(procedure: String, dir: URL, base: String, jsonl: URL, tsv: URL, records: [RunRecord],
                            float: [FloatBaselineRecord]?, gridScale: Rational) throws -> [(URL, String)] {
        var files: [(URL, String)] = []
        files.append((jsonl, try records.map { try $0.jsonLine() + "\n" }.joined()))
        files.append((tsv, procedure == "predict" ? cohenPredictTSV(records: records) : cohenTSV(records: records)))
        if procedure == "certify" {
            let results = float?.map(FloatBaselineResult.init(record:))
            files.append((dir.appendingPathComponent(base + ".svg"),
                          svg(records: records, float: results, gridScale: gridScale,
                              title: "certified accuracy vs radius (\(records.count) examples)")))
            if let f = float, let results {
                files.append((dir.appendingPathComponent(base + "-float.jsonl"), try f.map { try $0.jsonLine() + "\n" }.joined()))
                files.append((dir.appendingPathComponent(base + "-float.tsv"), cohenTSV(float: results, gridScale: gridScale.doubleApproximation)))
            }
        }
        return files
    }

    /// Checks before a long run that every output path looks writable (the path is not a directory; its
    /// nearest existing ancestor is a writable directory), so a run does not compute for minutes and then
    /// fail at the end. Creates nothing.
    package static func preflight(_ urls: [URL]) throws {
        let fm = FileManager.default
        for url in urls {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: url.path, isDirectory: &isDir) {
                if isDir.boolValue { throw RunError("\(url.path): cannot write: it is a directory") }
                if !fm.isWritableFile(atPath: url.path) { throw RunError("\(url.path): cannot write: permission denied") }
            }
            let (ancestor, ancestorIsDirectory) = nearestExistingAncestor(of: url)
            isDir = ObjCBool(ancestorIsDirectory)
            if !isDir.boolValue { throw RunError("\(url.path): cannot write: \(ancestor.path) is not a directory") }
            if !fm.isWritableFile(atPath: ancestor.path) { throw RunError("\(url.path): cannot write: directory \(ancestor.path) is not writable") }
        }
    }

    /// The nearest existing ancestor of `url`'s directory and whether it is a directory. The path is
    /// standardized first ("d/missing/../x" is d/x: without it, deletingLastPathComponent on a path ending in
    /// ".." appends "../" and the search never ended, a hang of `certify --jsonl d/missing/../x`); at most one
    /// step per path component.
    package static func nearestExistingAncestor(of url: URL) -> (URL, isDirectory: Bool) {
        let fm = FileManager.default
        var ancestor = url.standardizedFileURL.deletingLastPathComponent()
        var isDir: ObjCBool = false
        for _ in 0 ... url.pathComponents.count {
            if fm.fileExists(atPath: ancestor.path, isDirectory: &isDir) { return (ancestor, isDir.boolValue) }
            if ancestor.path == "/" { break }
            ancestor = ancestor.deletingLastPathComponent()
        }
        return (ancestor, false)
    }

    /// Writes every file or none (no partial set of outputs that looks valid), then removes `remove`
    /// (`OutputCommit`: staged temporaries renamed into place, signals held off, directories locked).
    /// On any failure the temporaries are removed and the destinations keep their previous contents.
    package static func write(_ files: [(URL, String)], remove: [URL] = []) throws -> [String] {
        try OutputCommit.commit(files, remove: remove)
    }
}
