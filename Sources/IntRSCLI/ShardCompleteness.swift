import IntRSCore

/// `intrs merge`'s completeness check for records that carry the `shard` field (Vectors/run-record-format.md):
/// from the records alone, not from file names, every shard 0 ..< n of one split must be present and every
/// example of the run's selection present exactly once. Whatever is missing is named (shard and example
/// indices), since a merge of part of a run would write files that look like a whole run.
///
/// Duplicated examples (the same shard given twice, overlapping shards) are refused by the merge before this
/// check. A shard with no examples (more shards than selected examples) writes an empty file and has nothing
/// to check. Records without the field (unsharded runs, older builds) are left to the file-name check.
enum ShardCompleteness {
    /// `origin[k]` names where `records[k]` came from ("file:line"); `records` hold no duplicate example.
    static func check(_ records: [RunRecord], origin: [String]) throws {
        guard let first = records.first, let s0 = first.shard else {
            if let k = records.firstIndex(where: { $0.shard != nil }) {
                throw CLIError("\(origin[0]) (example \(records[0].index)) has no field shard but \(origin[k]) (example \(records[k].index)) has: an unsharded run's records (or an older build's) cannot be merged with a sharded run's")
            }
            return
        }
        for (r, at) in zip(records, origin) {
            guard let s = r.shard else {
                throw CLIError("\(at) (example \(r.index)) has no field shard but \(origin[0]) (example \(first.index)) has: an unsharded run's records (or an older build's) cannot be merged with a sharded run's")
            }
            guard s.count == s0.count, s.every == s0.every, s.selected == s0.selected else {
                throw CLIError("\(at) (example \(r.index)): field shard is \(describe(s)) but \(origin[0]) has \(describe(s0)): shards of different splits or selections are not one run")
            }
            guard let owner = s0.shardOf(example: r.index) else {
                throw CLIError("\(at): example \(r.index) is not in the run's selection (\(selection(s0))), field shard \(describe(s))")
            }
            guard owner == s.index else {
                throw CLIError("\(at): example \(r.index) belongs to shard \(owner)/\(s.count) of the selection (\(selection(s0))) but field shard.index is \(s.index)")
            }
        }
        let present = Set(records.map { $0.index / s0.every })
        var missing: [String] = []
        for i in 0..<min(s0.count, s0.selected) {
            let want = Array(stride(from: i, to: s0.selected, by: s0.count))
            let absent = want.filter { !present.contains($0) }.map { $0 * s0.every }
            guard !absent.isEmpty else { continue }
            let list = absent.prefix(10).map(String.init).joined(separator: ", ") + (absent.count > 10 ? ", ..." : "")
            missing.append(absent.count == want.count
                ? "shard \(i)/\(s0.count) (no records given: its \(absent.count) example\(absent.count > 1 ? "s" : "") \(list))"
                : "shard \(i)/\(s0.count) lacks \(absent.count) of its \(want.count) examples: \(list)")
        }
        if !missing.isEmpty {
            throw CLIError("incomplete run (\(selection(s0)), \(s0.count) shards; \(records.count) records given): missing "
                + missing.joined(separator: "; ") + "; a merge of part of a run would look like a whole run")
        }
    }

    static func describe(_ s: RunShard) -> String {
        "{index \(s.index), count \(s.count), every \(s.every), selected \(s.selected)}"
    }

    static func selection(_ s: RunShard) -> String {
        "\(s.selected) examples, indices 0, \(s.every), ... \(s.every * (s.selected - 1))"
    }
}
