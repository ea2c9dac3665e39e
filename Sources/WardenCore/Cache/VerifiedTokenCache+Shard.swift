import Synchronization

extension VerifiedTokenCache {
    /// One part of the cache's table and its lock (issue 16: a lock per shard, so cores verifying
    /// different tokens do not queue on one). Padded to a cache line's size: in the cache's inline
    /// array, two shards' locks are never on one line (a lock taken by one core would otherwise
    /// move the line away from another core taking its neighbour).
    struct Shard: ~Copyable, Sendable {
        let entries: Mutex<[UInt64: Entry]>
        /// The most entries this shard holds.
        let capacity: Int
        private let padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)

        init(capacity: Int) {
            self.capacity = capacity
            var table: [UInt64: Entry] = [:]
            // Room for its share reserved at once, up to 1,024 (65,536 for a cache of 64 shards).
            table.reserveCapacity(min(capacity, 1 << 10))
            self.entries = Mutex(table)
        }
    }
}
