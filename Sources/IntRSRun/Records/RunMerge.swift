import Foundation
import IntRSCore
import IntRSExact
import IntRSFloatBaseline

/// What `intrs merge` reports: the merged run's procedure, its records and float-baseline records, its
/// certified-accuracy table and the files written.
public struct MergeResult: Codable, Sendable {
    public var procedure: String
    public var examples: Int
    public var floatBaselineExamples: Int?
    public var table: [RunReports.Row]
    public var outputs: [String]
    /// Not in the JSON summary: for the text summary.
    package var radiusMode: String = ""
    package var files: Int = 0
    package enum CodingKeys: String, CodingKey { case procedure, examples, floatBaselineExamples, table, outputs }
}

/// `intrs merge` as a library call: joins the record files of a sharded run into the files a single run writes
/// (byte for byte, except wall-clock times). Checks that every shard used the same configuration, that no
/// example appears twice, from the records' shard field (``ShardCompleteness``) that every shard and example is
/// present, and each record's internal consistency as `intrs audit` checks it (``RecordAudit``); the
/// certificates themselves are not re-derived (audit the merged file for that).
public enum RunMerge {
    /// Merges the shards' record files `files` (and, optionally, their -float.jsonl files) and writes the
    /// merged outputs under `outputs` (all or none). Throws ``RunError`` naming the file, line and reason of
    /// the first problems found (configuration mismatch, duplicated or missing examples or shards,
    /// inconsistent records).
    public static func merge(_ files: [String], outputs: RunOutputs) throws -> MergeResult {
        guard !files.isEmpty else { throw RunError(usage: "give the shards' .jsonl files") }
        var records: [RunRecord] = []
        var origin: [String] = []          // "file:line" of each record, for messages
        var floats: [FloatBaselineRecord] = []
        var floatFiles: [String] = []
        var problems: [String] = []
        for f in files {
            if try RunRecordReader.firstFormat(f) == FloatBaselineRecord.formatName {
                floatFiles.append(f)
                for line in try RunRecordReader.readFloat(f) {
                    if let r = line.record { floats.append(r) } else if let e = line.error { problems.append(e) }
                }
            } else {
                for line in try RunRecordReader.read(f) {
                    if let r = line.record { records.append(r); origin.append("\(f):\(line.number)") } else if let e = line.error { problems.append(e) }
                }
            }
        }
        // Each record's internal consistency, as `intrs audit` checks it (not the certificate itself: audit the
        // merged file for that), so that no inconsistent radius reaches the merged TSV or plot.
        let auditor = RecordAudit()
        var notes = Set<String>(), cp: [String: Rational] = [:], tight = AuditMath.TightCache()
        for (r, at) in zip(records, origin) {
            let line = Int(at.split(separator: ":").last ?? "0") ?? 0
            for f in try auditor.check(r, line: line, notes: &notes, cpCache: &cp, tightCache: &tight, consistencyOnly: true)
            where f.kind != "note" {
                problems.append("\(at) (example \(r.index)): \(f.kind): \(f.reason)")
            }
        }
        if !problems.isEmpty {
            let shown = problems.prefix(20)
            throw RunError("cannot merge:\n" + shown.joined(separator: "\n")
                + (problems.count > shown.count ? "\n... and \(problems.count - shown.count) more problems" : ""))
        }
        guard let first = records.first else {
            throw RunError(floats.isEmpty ? "\(files.joined(separator: ", ")): no run records (empty or blank): nothing to merge" : "only float-baseline files given (\(floatFiles.joined(separator: ", "))): give the run's int8 .jsonl shards too")
        }
        func config(_ r: RunRecord) -> [(String, String)] {
            [("procedure", r.procedure), ("modelSHA256", r.modelSHA256), ("dataSHA256", r.dataSHA256), ("noise", r.noise),
             ("sigma2", r.sigma2), ("sampler", r.sampler), ("tableBits", r.tableBits.map(String.init) ?? "-"),
             ("n0", r.n0.map(String.init) ?? "-"), ("n", "\(r.n)"), ("alpha", r.alpha), ("radiusMode", r.radiusMode),
             ("seed", r.seed), ("gridScale", r.gridScale), ("tvBoundPerCoordinate", r.tvBoundPerCoordinate),
             ("version", "\(r.version)"), ("streamSpec", r.streamSpec.map(String.init) ?? "absent")]
        }
        let c0 = config(first)
        for (r, at) in zip(records, origin) {
            let diffs = zip(config(r), c0).filter { $0.0.1 != $0.1.1 }
            if !diffs.isEmpty {
                throw RunError("\(at) (example \(r.index)) is from another run than \(origin[0]) (example \(first.index)): "
                    + diffs.map { "\($0.0.0) \"\($0.0.1)\" vs \"\($0.1.1)\"" }.joined(separator: ", ")
                    + " (procedure, model/data SHA-256, noise, sigma2, sampler, N0, N, alpha, radius mode, seed, record version and streamSpec must all agree)")
            }
        }
        let order = records.indices.sorted { records[$0].index < records[$1].index }
        for k in 1..<max(order.count, 1) where records[order[k]].index == records[order[k - 1]].index {
            throw RunError("example \(records[order[k]].index) appears in more than one shard (\(origin[order[k - 1]]) and \(origin[order[k]])); overlapping shards, or the same shard twice")
        }
        if records.contains(where: { $0.shard != nil }) {
            try ShardCompleteness.check(records, origin: origin)
        } else {
            try Self.checkShardSet(files.filter { !floatFiles.contains($0) })
        }
        records = order.map { records[$0].withoutShard }
        let procedure = first.procedure
        let float = floatFiles.isEmpty ? nil : try Self.checkedFloat(floats, against: records, first: first, files: floatFiles)
        let dir = outputs.directoryURL
        let gridScale = try Rational(parsing: first.gridScale)
        let outputFiles = try RunReports.outputFiles(
            procedure: procedure, dir: dir, base: procedure,
            jsonl: outputs.jsonl.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(procedure + ".jsonl"),
            tsv: outputs.tsv.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(procedure + ".tsv"),
            records: records, float: float, gridScale: gridScale)
        let written = try RunReports.write(outputFiles)
        let rows = RunReports.table(records: procedure == RunProcedure.certify.rawValue ? records : [], float: float?.map(FloatBaselineResult.init(record:)), gridScale: gridScale)
        return MergeResult(procedure: procedure, examples: records.count, floatBaselineExamples: float?.count, table: rows,
                           outputs: written, radiusMode: first.radiusMode, files: files.count)
    }

    /// When the int8 files carry the names `certify` / `predict` give shards (`<procedure>.shard-i-of-n.jsonl`),
    /// they must all be shards of the same n and cover every i in 0..<n exactly once: a merge of an incomplete
    /// set would write a file that looks like a whole run. Only for records without the `shard` field (older
    /// builds'): records that carry it are checked from the records by ``ShardCompleteness``.
    package static func checkShardSet(_ files: [String]) throws {
        var shards: [(file: String, i: Int, n: Int)] = []
        for f in files {
            let name = URL(fileURLWithPath: f).lastPathComponent
            guard let r = name.range(of: #"\.shard-([0-9]+)-of-([0-9]+)\.jsonl$"#, options: .regularExpression) else { continue }
            let parts = name[r].dropFirst(".shard-".count).dropLast(".jsonl".count).components(separatedBy: "-of-")
            guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { continue }
            shards.append((f, i, n))
        }
        guard !shards.isEmpty else { return }
        let counts = Set(shards.map(\.n))
        if counts.count > 1 {
            throw RunError("the files are shards of different splits (\(shards.map { "\($0.file): \($0.i)/\($0.n)" }.joined(separator: ", "))): give the shards of one run")
        }
        let n = counts.first!
        let missing = Set(0..<n).subtracting(shards.map(\.i)).sorted()
        if !missing.isEmpty {
            throw RunError("incomplete run: shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) missing (given \(shards.map { "\($0.i)/\(n)" }.sorted().joined(separator: ", "))); a merge of some shards would look like a whole run")
        }
    }

    /// The float-baseline records, sorted by example, after checking that they belong to the same certify run
    /// (alpha, N, N0, gridScale, seed, model and data SHA-256, stream specification; one sigma) and cover exactly
    /// its examples.
    package static func checkedFloat(_ floats: [FloatBaselineRecord], against records: [RunRecord], first: RunRecord,
                             files: [String]) throws -> [FloatBaselineRecord] {
        guard first.procedure == RunProcedure.certify.rawValue else {
            throw RunError("float-baseline files (\(files.joined(separator: ", "))) belong to certify runs, but the run records are \(first.procedure)")
        }
        let expected = [first.alpha, "\(first.n)", "\(first.n0 ?? 0)", first.gridScale, first.seed, first.modelSHA256, first.dataSHA256]
        let sigma = floats.first?.sigma
        for f in floats where f.streamSpec != first.streamSpec {
            throw RunError("float-baseline example \(f.index): field streamSpec is \(f.streamSpec.map(String.init) ?? "absent") but the int8 records' is \(first.streamSpec.map(String.init) ?? "absent") (noise drawn under different versions of Vectors/stream-spec.md: not the same run)")
        }
        for f in floats {
            let got = [f.alpha, "\(f.n)", "\(f.n0)", f.gridScale, f.seed, f.modelSHA256, f.dataSHA256]
            if got != expected || f.sigma != sigma {
                throw RunError("float-baseline example \(f.index): configuration differs from the run's (alpha, N, N0, gridScale, seed, model/data SHA-256 must equal the int8 records', sigma must agree across shards)")
            }
        }
        let sorted = floats.sorted { $0.index < $1.index }
        for i in 1..<max(sorted.count, 1) where sorted[i].index == sorted[i - 1].index {
            throw RunError("float-baseline example \(sorted[i].index) appears in more than one shard")
        }
        let want = records.map(\.index), got = sorted.map(\.index)
        if want != got {
            let missing = Set(want).subtracting(got).sorted(), extra = Set(got).subtracting(want).sorted()
            throw RunError("the float-baseline files cover other examples than the int8 files: missing \(missing.prefix(10)), extra \(extra.prefix(10)) (give every shard's -float.jsonl, or none)")
        }
        return sorted
    }
}
