import IntRSCore

/// `intrs merge`'s completeness check for records that carry the `shard` field (Vectors/run-record-format.md):
/// from the records alone, not from file names, every shard 0 ..< n of one split must be present and every
/// example of the run's selection present exactly once. Whatever is missing is named (shard and example
/// indices), since a merge of part of a run would write files that look like a whole run.
///
/// Duplicated examples (the same shard given twice, overlapping shards) are refused by the merge before this
/// check. A shard with no examples (more shards than selected examples) writes an empty file and has nothing
/// to check. Records without the field (unsharded runs, older builds) are left to the file-name check.
package enum ShardCompleteness {
    /// `origin[k]` names where `records[k]` came from ("file:line"); `records` hold no duplicate example.
    package static func check(_ records: [RunRecord], origin: [String]) throws {
        guard let first = records.first, let s0 = first.shard else {
            if let k = records.firstIndex(where: { $0.shard != nil }) {
                throw RunError("\(origin[0]) (example \(records[0].index)) has no field shard but \(origin[k]) (example \(records[k].index)) has: an unsharded run's records (or an older build's) cannot be merged with a sharded run's")
            }
            return
        }
        for (r, at) in zip(records, origin) {
            guard let s = r.shard else {
                throw RunError("\(at) (example \(r.index)) has no field shard but \(origin[0]) (example \(first.index)) has: an unsharded run's records (or an older build's) cannot be merged with a sharded run's")
            }
            guard wellFormed(s) else {
                throw RunError("\(at) (example \(r.index)): field shard is \(describe(s)): malformed (expected 1 <= count, 0 <= index < count, 1 <= every, 1 <= selected, each at most 2^31)")
            }
            guard s.count == s0.count, s.every == s0.every, s.selected == s0.selected else {
                throw RunError("\(at) (example \(r.index)): field shard is \(describe(s)) but \(origin[0]) has \(describe(s0)): shards of different splits or selections are not one run")
            }
            guard let owner = s0.shardOf(example: r.index) else {
                throw RunError("\(at): example \(r.index) is not in the run's selection (\(selection(s0))), field shard \(describe(s))")
            }
            guard owner == s.index else {
                throw RunError("\(at): example \(r.index) belongs to shard \(owner)/\(s.count) of the selection (\(selection(s0))) but field shard.index is \(s.index)")
            }
        }
        // Every record is a distinct example of the selection (duplicates were refused), so what is missing is
        // the difference in counts; it is named shard by shard (at most 8 shards, 10 examples each: the loops
        // are bounded by the records given, whatever count and selected say).
        let missingCount = s0.selected - records.count
        guard missingCount > 0 else { return }
        let present = Set(records.map { $0.index / s0.every })
        var perShard: [Int: Int] = [:]
        for r in records { perShard[r.shard!.index, default: 0] += 1 }
        var missing: [String] = []
        var i = 0
        while i < min(s0.count, s0.selected) && missing.count < 8 {
            defer { i += 1 }
            let want = (s0.selected - i + s0.count - 1) / s0.count, have = perShard[i] ?? 0
            guard have < want else { continue }
            var absent: [Int] = []
            var k = i
            while k < s0.selected && absent.count < 10 {
                if !present.contains(k) { absent.append(k * s0.every) }
                k += s0.count
            }
            let list = absent.map(String.init).joined(separator: ", ") + (want - have > absent.count ? ", ..." : "")
            missing.append(have == 0
                ? "shard \(i)/\(s0.count) (no records given: its \(want) example\(want > 1 ? "s" : "") \(list))"
                : "shard \(i)/\(s0.count) lacks \(want - have) of its \(want) examples: \(list)")
        }
        throw RunError("incomplete run (\(selection(s0)), \(s0.count) shards; \(records.count) records given, \(missingCount) missing): missing "
            + missing.joined(separator: "; ") + (missing.count == 8 ? "; ..." : "")
            + "; a merge of part of a run would look like a whole run")
    }

    /// The field's ranges (each bounded so that `every * selected` cannot overflow).
    package static func wellFormed(_ s: RunShard) -> Bool {
        let limit = 1 << 31
        return (1...limit).contains(s.count) && (0..<s.count).contains(s.index)
            && (1...limit).contains(s.every) && (1...limit).contains(s.selected)
    }

    package static func describe(_ s: RunShard) -> String {
        "{index \(s.index), count \(s.count), every \(s.every), selected \(s.selected)}"
    }

    package static func selection(_ s: RunShard) -> String {
        "\(s.selected) examples, indices 0, \(s.every), ... \(s.every * (s.selected - 1))"
    }
}
