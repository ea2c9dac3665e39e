import Foundation
import Synchronization

/// One reader of the revocation feed for every open revocation stream: each stream asks here for
/// the entries after its cursor, and at most one store query runs per poll interval (or per local
/// revocation signal) however many streams are open. The newest ``capacity`` entries are kept in
/// memory; a stream further behind (a subscriber resuming after a long outage) reads its
/// catch-up pages from the store itself, once.
///
/// Before, each stream queried the store every poll interval: 1,000 open streams were 2,000
/// queries a second on an idle server (issue 11, "revocation streams are unbounded").
package final class RevocationFanOut: Sendable {
    /// What ``entries(after:limit:)`` found.
    package enum Read: Equatable {
        /// Entries after the cursor, in feed order (empty: nothing new yet).
        case entries([RevocationRecord])
        /// The cursor is older than what is kept: read from the store.
        case behind
    }

    private struct State {
        /// Every entry with a cursor above `base`, ascending; `nil` before the first poll.
        var entries: [RevocationRecord] = []
        var base: Int64 = 0
        var head: Int64?
        var lastPoll: ContinuousClock.Instant?
        var polledAtSignal: UInt64 = 0
        var polling = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    let store: any AuthorizationStore
    let signal: ChangeSignal
    let pollInterval: Duration
    let pageLimit: Int
    let capacity: Int
    private let state = Mutex(State())

    package init(store: any AuthorizationStore, signal: ChangeSignal, pollInterval: Duration, pageLimit: Int, capacity: Int = 10_000) {
        self.store = store
        self.signal = signal
        self.pollInterval = pollInterval
        self.pageLimit = pageLimit
        self.capacity = max(capacity, pageLimit)
    }

    /// Store queries made so far (for tests and metrics).
    var polls: Int { pollCount.load(ordering: .relaxed) }
    private let pollCount = Atomic<Int>(0)

    /// Reads what is new in the store when the poll interval has passed or a revocation was
    /// signalled since the last read. One caller queries; callers arriving meanwhile wait for
    /// that query instead of making their own. A failed query is thrown to the caller that made
    /// it; the others carry on with what is kept.
    package func refreshIfDue() async throws {
        let generation = signal.generation
        enum Role { case poll(after: Int64?), wait, none }
        let role: Role = state.withLock { state in
            let now = ContinuousClock.now
            let due = state.head == nil || state.polledAtSignal != generation
                || state.lastPoll.map { now - $0 >= pollInterval } ?? true
            guard due else { return .none }
            if state.polling { return .wait }
            state.polling = true
            state.polledAtSignal = generation
            return .poll(after: state.head)
        }
        switch role {
        case .none: return
        case .wait:
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    guard state.polling else { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        case .poll(let after):
            var found: [RevocationRecord] = []
            var trimmedBelow: Int64?
            var failure: (any Error)?
            do {
                var cursor = after ?? 0
                while true {
                    let page = try await store.revocations(after: cursor, limit: pageLimit)
                    pollCount.add(1, ordering: .relaxed)
                    found += page
                    // Only the newest `capacity` are kept: a first read of a long feed never
                    // holds more than that (older ones are read from the store by whoever needs them).
                    if found.count > capacity {
                        found.removeFirst(found.count - capacity)
                        trimmedBelow = found[0].cursor - 1
                    }
                    cursor = page.last?.cursor ?? cursor
                    if page.count < pageLimit { break }
                }
            } catch {
                failure = error
            }
            let waiting = state.withLock { state in
                if failure == nil {
                    if let trimmedBelow {
                        // Entries between the kept ones and the new ones were dropped: start over
                        // from what was read.
                        state.entries = []
                        state.base = trimmedBelow
                    }
                    state.entries += found
                    if state.entries.count > capacity {
                        let dropped = state.entries.count - capacity
                        state.base = state.entries[dropped - 1].cursor
                        state.entries.removeFirst(dropped)
                    }
                    state.head = state.entries.last?.cursor ?? state.head ?? after ?? 0
                }
                state.lastPoll = .now
                state.polling = false
                let waiting = state.waiting
                state.waiting.removeAll()
                return waiting
            }
            for continuation in waiting { continuation.resume() }
            if let failure { throw failure }
        }
    }

    /// Up to `limit` kept entries after `cursor`.
    package func entries(after cursor: Int64, limit: Int) -> Read {
        state.withLock { state in
            guard state.head != nil else { return .behind }
            guard cursor >= state.base else { return .behind }
            // Entries are ascending by cursor: binary search for the first one after `cursor`.
            var low = 0
            var high = state.entries.count
            while low < high {
                let middle = (low + high) / 2
                if state.entries[middle].cursor <= cursor { low = middle + 1 } else { high = middle }
            }
            return .entries(Array(state.entries[low..<min(low + limit, state.entries.count)]))
        }
    }
}
