import Foundation
import Testing
@testable import WardenServer

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
}
