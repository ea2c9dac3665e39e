import Synchronization

extension VerifiedTokenCache {
    /// One part of the cache's table and its lock (issue 16: a lock per shard, so cores verifying
    /// different tokens do not queue on one). Padded to 128 bytes (its fields take 24): the
    /// cache's inline array is not line-aligned, but two shards' used bytes are then 104 apart,
    /// never on one 64-byte line (a lock taken by one core would otherwise move the line away
    /// from another core reading its neighbour's table).
    struct Shard: ~Copyable, Sendable {
        let entries: Mutex<[UInt64: Entry]>
        /// The most entries this shard holds.
        let capacity: Int
        private let padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

        init(capacity: Int) {
            self.capacity = capacity
            var table: [UInt64: Entry] = [:]
            // Room for its share reserved at once, up to 1,024 (65,536 for a cache of 64 shards).
            table.reserveCapacity(min(capacity, 1 << 10))
            self.entries = Mutex(table)
        }
    }
}
