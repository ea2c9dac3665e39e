import Foundation
import Logging
import Testing
@testable import WardenServer
import WardenSQLite

/// `FailureThrottle.locksAnyone(at:)` (issue 16: the lockout check skips building keys when it
/// is `false`) is never `false` while a key is locked, and `BruteForceGuard` answers as before.
@Suite struct FailureThrottleTests {
    @Test func nobodyIsLockedUntilAKeyIsAndAfterItsLockEnds() {
        let throttle = FailureThrottle(threshold: 3, baseDelay: .seconds(10), maximumDelay: .seconds(60))
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(!throttle.locksAnyone(at: start))
        throttle.recordFailure(["a"], now: start)
        throttle.recordFailure(["a"], now: start)
        // Failures below the threshold lock nobody.
        #expect(!throttle.locksAnyone(at: start))
        throttle.recordFailure(["a"], now: start)
        #expect(throttle.locksAnyone(at: start))
        #expect(throttle.lockedOut(["a"], now: start) == 10)
        // A later, longer lock of another key: anyone is locked until the longest ends.
        for _ in 0..<4 { throttle.recordFailure(["b"], now: start.addingTimeInterval(5)) }
        #expect(throttle.lockedOut(["b"], now: start.addingTimeInterval(5)) == 20)
        #expect(throttle.locksAnyone(at: start.addingTimeInterval(15)))
        #expect(throttle.lockedOut(["a"], now: start.addingTimeInterval(15)) == nil)
        #expect(!throttle.locksAnyone(at: start.addingTimeInterval(25)))
        #expect(throttle.lockedOut(["a", "b"], now: start.addingTimeInterval(25)) == nil)
    }

    @Test func theGuardAnswersAsBeforeWithAndWithoutLocks() async {
        let guarded = BruteForceGuard(accounts: FailureThrottle(threshold: 2), addresses: FailureThrottle(threshold: 3))
        let now = Date(timeIntervalSince1970: 2_000_000)
        #expect(await guarded.lockedOut(address: "192.0.2.1", now: now) == nil)
        #expect(await guarded.lockedOut(account: "alice", address: "192.0.2.1", now: now) == nil)
        await guarded.recordFailure(account: "alice", address: "192.0.2.1", now: now)
        await guarded.recordFailure(account: "alice", address: "192.0.2.1", now: now)
        // alice from that address is locked; the address itself (threshold 3) is not.
        #expect(await guarded.lockedOut(account: "alice", address: "192.0.2.1", now: now) != nil)
        #expect(await guarded.lockedOut(address: "192.0.2.1", now: now) == nil)
        #expect(await guarded.lockedOut(account: "bob", address: "192.0.2.1", now: now) == nil)
        await guarded.recordFailure(address: "192.0.2.1", now: now)
        #expect(await guarded.lockedOut(address: "192.0.2.1", now: now) != nil)
        #expect(await guarded.lockedOut(address: "192.0.2.2", now: now) == nil)
    }

    /// The counters every node shares (`warden serve` always has them): `locksAnyone` follows
    /// the mirror — a lockout another node stored is seen once loaded, this node's own at once,
    /// and it ends when the lockout does — and the guard still finds the locked address.
    @Test func theSharedMirrorLocksAnyoneOnlyWhileALockoutItHoldsLasts() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("locks-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try await SQLiteStore.open(path: path)
        let now = Date(timeIntervalSince1970: 3_000_000)
        let policy = FailureThrottle(threshold: 2, baseDelay: .seconds(10), maximumDelay: .seconds(60))
        let elsewhere = SharedFailureCounts(store: store, refreshInterval: .seconds(3600), logger: Logger(label: "locks"))
        #expect(await !elsewhere.locksAnyone(at: now))
        // Another node's two failures lock the key in the store: its own mirror at once, and a
        // node loading the lockouts (a first load waits for the store) sees it.
        await elsewhere.recordFailure("ip:192.0.2.9", policy: policy, now: now)
        #expect(await !elsewhere.locksAnyone(at: now))
        await elsewhere.recordFailure("ip:192.0.2.9", policy: policy, now: now)
        #expect(await elsewhere.locksAnyone(at: now))
        let here = SharedFailureCounts(store: store, refreshInterval: .seconds(3600), logger: Logger(label: "locks"))
        #expect(await here.locksAnyone(at: now))
        #expect(await !here.locksAnyone(at: now.addingTimeInterval(11)))
        // Through the guard: the locked address is refused, another is not, though neither
        // node's own throttle (a fresh one here) locked anybody.
        let guarded = BruteForceGuard(accounts: FailureThrottle(threshold: 5), addresses: FailureThrottle(threshold: 50)).sharing(here)
        #expect(await guarded.lockedOut(address: "192.0.2.9", now: now) != nil)
        #expect(await guarded.lockedOut(address: "192.0.2.10", now: now) == nil)
        #expect(await guarded.lockedOut(address: "192.0.2.9", now: now.addingTimeInterval(11)) == nil)
        try await store.close()
    }
}
