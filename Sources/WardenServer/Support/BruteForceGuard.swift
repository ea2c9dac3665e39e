import Foundation

/// Brute-force protection for password and client authentication: failures are counted per
/// account (a user or a client; locked after 5 by default) and per caller IP (locked after 50,
/// since many honest users can share one address). Either lockout refuses the attempt with the
/// same standard error as a wrong password or secret.
public struct BruteForceGuard: Sendable {
    public let accounts: FailureThrottle
    public let addresses: FailureThrottle

    public init(accounts: FailureThrottle = FailureThrottle(threshold: 5), addresses: FailureThrottle = FailureThrottle(threshold: 50)) {
        self.accounts = accounts
        self.addresses = addresses
    }

    /// Seconds until the account and the address are both unlocked, or `nil` when neither is locked.
    func lockedOut(account: String, address: String?, now: Date) -> TimeInterval? {
        [accounts.lockedOut([account], now: now), addresses.lockedOut(["ip:\(address ?? "unknown")"], now: now)].compactMap { $0 }.max()
    }

    func recordFailure(account: String, address: String?, now: Date) {
        accounts.recordFailure([account], now: now)
        addresses.recordFailure(["ip:\(address ?? "unknown")"], now: now)
    }

    func recordSuccess(account: String) {
        accounts.recordSuccess([account])
    }
}
