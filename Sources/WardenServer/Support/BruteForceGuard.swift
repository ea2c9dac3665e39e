import Foundation

/// Brute-force protection for password and client authentication: failures are counted per
/// account (a user or a client; locked after 5 by default) and per caller IP (locked after 50,
/// since many honest users can share one address). Either lockout refuses the attempt with the
/// same standard error as a wrong password or secret.
///
/// The server counts in the store too (``SharedFailureCounts``), so every node on one database
/// sees the same counts and lockouts; this process's own counts still hold while the store is
/// unreachable.
public struct BruteForceGuard: Sendable {
    public let accounts: FailureThrottle
    public let addresses: FailureThrottle
    /// The counters every node shares; set by the server (``sharing(_:)``).
    private(set) var shared: SharedFailureCounts?

    public init(accounts: FailureThrottle = FailureThrottle(threshold: 5), addresses: FailureThrottle = FailureThrottle(threshold: 50)) {
        self.accounts = accounts
        self.addresses = addresses
    }

    func sharing(_ shared: SharedFailureCounts) -> BruteForceGuard {
        var copy = self
        copy.shared = shared
        return copy
    }

    private static func addressKey(_ address: String?) -> String { "ip:\(address ?? "unknown")" }

    /// Seconds until the account and the address are both unlocked, or `nil` when neither is locked.
    func lockedOut(account: String, address: String?, now: Date) async -> TimeInterval? {
        let addressKey = Self.addressKey(address)
        var waits = [accounts.lockedOut([account], now: now), addresses.lockedOut([addressKey], now: now)]
        if let shared { waits.append(await shared.lockedOut([account, addressKey], now: now)) }
        return waits.compactMap { $0 }.max()
    }

    func recordFailure(account: String, address: String?, now: Date) async {
        let addressKey = Self.addressKey(address)
        accounts.recordFailure([account], now: now)
        addresses.recordFailure([addressKey], now: now)
        await shared?.recordFailure(account, policy: accounts, now: now)
        await shared?.recordFailure(addressKey, policy: addresses, now: now)
    }

    func recordSuccess(account: String, now: Date) async {
        accounts.recordSuccess([account])
        await shared?.recordSuccess(account, now: now)
    }
}
