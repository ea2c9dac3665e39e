public import Foundation
import Synchronization
public import WardenCore

/// Client-credentials issuance, audited by the minute (issue 17): one row per client, scope set
/// and minute — how many tokens, the first and the last `jti` — instead of one row per token
/// (~115 bytes each: 10 GB a day at 1,000 tokens a second). Machine issuance involves no person;
/// everything else (sign-ins, codes, refreshes, exchanges, every failure) keeps its own row.
/// ``IssuanceAuditService`` writes the finished minutes every 10 s; a crash (SIGKILL, power) loses
/// what was not written yet: up to about 70 s of counts (the minute under way and a finished one
/// not flushed yet). SIGTERM writes everything. `AuthorizationServerConfiguration.auditEveryClientCredentialsToken` keeps one row per
/// token instead.
public final class IssuanceAuditAggregator: Sendable {
    public struct Bucket: Sendable, Hashable {
        public let clientID: String
        public let scope: String
        /// The start of the minute (UTC).
        public let minute: Date
        public var count: Int
        public var firstTokenID: String
        public var lastTokenID: String
    }

    struct Key: Hashable {
        let clientID: String
        let scope: String
        let minute: Date
    }

    private let buckets = Mutex<[Key: Bucket]>([:])
    /// At most this many (client, scope) pairs a minute are kept apart; beyond, the minute's rows
    /// are written at once (bounded memory).
    let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Counts a token.
    public func record(clientID: String, scope: ScopeSet, tokenID: String, at now: Date) {
        let minute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        let key = Key(clientID: clientID, scope: scope.description, minute: minute)
        buckets.withLock { buckets in
            if var bucket = buckets[key] {
                bucket.count += 1
                bucket.lastTokenID = tokenID
                buckets[key] = bucket
            } else {
                buckets[key] = Bucket(clientID: clientID, scope: key.scope, minute: minute, count: 1, firstTokenID: tokenID, lastTokenID: tokenID)
            }
        }
    }

    /// Puts back a bucket that could not be written (the store was unreachable), merged with
    /// what was counted since for the same client, scope set and minute.
    public func restore(_ bucket: Bucket) {
        let key = Key(clientID: bucket.clientID, scope: bucket.scope, minute: bucket.minute)
        buckets.withLock { buckets in
            if var newer = buckets[key] {
                newer.count += bucket.count
                newer.firstTokenID = bucket.firstTokenID
                buckets[key] = newer
            } else {
                buckets[key] = bucket
            }
        }
    }

    /// The buckets of minutes that ended before `now` (all of them when `now` is `nil`, at
    /// shutdown, or when more than ``capacity`` are held), removed.
    public func drain(finishedBefore now: Date?) -> [Bucket] {
        buckets.withLock { buckets in
            let cutoff = now.map { Date(timeIntervalSince1970: ($0.timeIntervalSince1970 / 60).rounded(.down) * 60) }
            let finished = buckets.filter { key, _ in cutoff == nil || buckets.count > capacity || key.minute < cutoff! }
            for key in finished.keys { buckets[key] = nil }
            return finished.values.sorted { ($0.minute, $0.clientID, $0.scope) < ($1.minute, $1.clientID, $1.scope) }
        }
    }
}
