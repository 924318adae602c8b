/// The `shard` field of a sharded run's records (Vectors/run-record-format.md): which shard wrote the record
/// and the selection it was cut from, so that `intrs merge` checks completeness from the records alone.
///
/// The run's selection is the examples with index `k * every` for `k` in `0 ..< selected` (data set indices
/// equal positions, `--every` then `--limit`); shard `index` of `count` holds those whose position `k`
/// satisfies `k mod count == index`. Absent in an unsharded run's records and in merged files, which are
/// therefore byte-identical to an unsharded run's.
public struct RunShard: Codable, Sendable, Equatable, Hashable {
    /// This shard, 0 ..< count.
    public var index: Int
    /// The number of shards of the run.
    public var count: Int
    /// `--every`: the selection takes every `every`-th example of the data set by index.
    public var every: Int
    /// The number of examples in the whole run's selection (all shards together; after `--limit`).
    public var selected: Int

    public init(index: Int, count: Int, every: Int, selected: Int) {
        self.index = index; self.count = count; self.every = every; self.selected = selected
    }

    /// The shard that the selection's example with data set index `example` belongs to, or nil when the
    /// example is not in the selection.
    public func shardOf(example: Int) -> Int? {
        guard example >= 0, example % every == 0, example / every < selected else { return nil }
        return (example / every) % count
    }
}
