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

    /// The counters every node shares (`warden serve` always has them): the shortcut
    /// (`surelyLocksNobody`) holds only while the mirror is loaded, fresh and locks nobody — a
    /// node that never loaded it, or holds a lockout another node stored or it made itself, goes
    /// the whole way — and the guard still finds the locked address.
    @Test func theSharedMirrorSaysNobodyIsLockedOnlyWhenItKnows() async throws {
        try await Self.withStore { store in
            let now = Date(timeIntervalSince1970: 3_000_000)
            let policy = FailureThrottle(threshold: 2, baseDelay: .seconds(10), maximumDelay: .seconds(60))
            let elsewhere = SharedFailureCounts(store: store, refreshInterval: .seconds(3600), logger: Logger(label: "locks"))
            #expect(!elsewhere.surelyLocksNobody(at: now))  // never loaded
            #expect(await elsewhere.lockedOut(["ip:192.0.2.9"], now: now) == nil)
            #expect(elsewhere.surelyLocksNobody(at: now))
            // Its own failures: in its mirror at once.
            await elsewhere.recordFailure("ip:192.0.2.9", policy: policy, now: now)
            #expect(elsewhere.surelyLocksNobody(at: now))
            await elsewhere.recordFailure("ip:192.0.2.9", policy: policy, now: now)
            #expect(!elsewhere.surelyLocksNobody(at: now))
            // Another node sees the stored lockout once it loads the mirror, until the lockout ends.
            let here = SharedFailureCounts(store: store, refreshInterval: .seconds(3600), logger: Logger(label: "locks"))
            #expect(await here.lockedOut(["ip:192.0.2.9"], now: now) == 10)
            #expect(!here.surelyLocksNobody(at: now))
            #expect(here.surelyLocksNobody(at: now.addingTimeInterval(11)))
            // Past the refresh interval a reload is due, and a clock gone back cannot tell: no shortcut.
            #expect(!here.surelyLocksNobody(at: now.addingTimeInterval(3601)))
            #expect(!here.surelyLocksNobody(at: now.addingTimeInterval(-1)))
            // Through the guard: the locked address is refused, another is not, though its own
            // throttle (a fresh one) locked nobody.
            let guarded = BruteForceGuard(accounts: FailureThrottle(threshold: 5), addresses: FailureThrottle(threshold: 50)).sharing(here)
            #expect(await guarded.lockedOut(address: "192.0.2.9", now: now) != nil)
            #expect(await guarded.lockedOut(address: "192.0.2.10", now: now) == nil)
            #expect(await guarded.lockedOut(address: "192.0.2.9", now: now.addingTimeInterval(11)) == nil)
        }
    }

    /// A node that loaded the mirror empty, then is told another node locked someone out
    /// (`invalidate`, from LISTEN/NOTIFY): no shortcut from then on, and the reload (in the
    /// background, once loaded) brings the lockout in.
    @Test func aLaterReloadBringsAnotherNodesLockoutIn() async throws {
        try await Self.withStore { store in
            let now = Date(timeIntervalSince1970: 4_000_000)
            let policy = FailureThrottle(threshold: 1, baseDelay: .seconds(30), maximumDelay: .seconds(60))
            let here = SharedFailureCounts(store: store, refreshInterval: .seconds(3600), logger: Logger(label: "locks"))
            #expect(await here.lockedOut(["ip:192.0.2.7"], now: now) == nil)
            #expect(here.surelyLocksNobody(at: now))
            let elsewhere = SharedFailureCounts(store: store, refreshInterval: .seconds(3600), logger: Logger(label: "locks"))
            await elsewhere.recordFailure("ip:192.0.2.7", policy: policy, now: now)
            here.invalidate()
            #expect(!here.surelyLocksNobody(at: now))
            var seen: TimeInterval?
            for _ in 0..<200 where seen == nil {
                seen = await here.lockedOut(["ip:192.0.2.7"], now: now)
                if seen == nil { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(seen == 30)
            #expect(!here.surelyLocksNobody(at: now))
            #expect(here.surelyLocksNobody(at: now.addingTimeInterval(31)))
        }
    }

    /// A fresh SQLite file for one test, closed (an open store at exit trips an assertion) and
    /// removed whatever the test did.
    private static func withStore(_ body: (SQLiteStore) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("locks-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try await SQLiteStore.open(path: path)
        do {
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
