import Foundation
import WardenCore

/// Brute-force protection for password and client authentication. Failures are counted per
/// (account, client address) — an account is a user or a client — and per client address;
/// never per account alone. From the ``accounts`` threshold (5) one address is locked out of one
/// account, from the ``addresses`` threshold (50, since many honest users can share one address)
/// one address is locked out of everything; both with exponential backoff. A locked attempt gets
/// the same standard error as a wrong password or secret.
///
/// So someone guessing from one address never stops the owner signing in from another (architecture.md
/// decision 10); with no account-wide lock, a distributed guesser is slowed per address only,
/// which is what bcrypt and 256-bit generated client secrets are for. Behind a load balancer the
/// client address is only right when the balancer is a trusted proxy (``TrustedProxies``).
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

    /// Addresses are counted by ``IPAddressRange/bucket(for:)``: IPv4 one by one, IPv6 by /64.
    private static func addressKey(_ address: String?) -> String { "ip:\(IPAddressRange.bucket(for: address))" }

    /// The key of `account` tried from `address`.
    static func accountKey(_ account: String, address: String?) -> String { "\(account) from ip:\(IPAddressRange.bucket(for: address))" }

    /// Seconds until the account is unlocked for this address and the address is unlocked, or
    /// `nil` when neither is locked.
    func lockedOut(account: String, address: String?, now: Date) async -> TimeInterval? {
        // Nobody locked on this node nor in the shared mirror: no key to build (issue 16).
        if !accounts.locksAnyone(at: now), !addresses.locksAnyone(at: now), shared?.surelyLocksNobody(at: now) ?? true { return nil }
        let accountKey = Self.accountKey(account, address: address)
        let addressKey = Self.addressKey(address)
        var waits = [accounts.lockedOut([accountKey], now: now), addresses.lockedOut([addressKey], now: now)]
        if let shared { waits.append(await shared.lockedOut([accountKey, addressKey], now: now)) }
        return waits.compactMap { $0 }.max()
    }

    func recordFailure(account: String, address: String?, now: Date) async {
        let accountKey = Self.accountKey(account, address: address)
        let addressKey = Self.addressKey(address)
        accounts.recordFailure([accountKey], now: now)
        addresses.recordFailure([addressKey], now: now)
        await shared?.recordFailure(accountKey, policy: accounts, now: now)
        await shared?.recordFailure(addressKey, policy: addresses, now: now)
    }

    /// Seconds until `address` is unlocked, or `nil`: for client authentication, which is
    /// counted per address only. A generated client secret is 256 bits, so no number of guesses
    /// from any number of addresses finds it, and counting per (client, address) would let an
    /// attacker behind the same NAT as a service lock that service out with a few bad secrets.
    /// `address` is worked out only when someone may be locked (``ClientAuthenticator``).
    nonisolated(nonsending) func lockedOut(address: @autoclosure () -> String?, now: Date) async -> TimeInterval? {
        // Nobody locked on this node nor in the shared mirror: no key to build (issue 16; before,
        // only a server without shared counts skipped it, and `warden serve` always has them).
        if !addresses.locksAnyone(at: now), shared?.surelyLocksNobody(at: now) ?? true { return nil }
        let addressKey = Self.addressKey(address())
        var waits = [addresses.lockedOut([addressKey], now: now)]
        if let shared { waits.append(await shared.lockedOut([addressKey], now: now)) }
        return waits.compactMap { $0 }.max()
    }

    /// Counts a failure against `address` only (client authentication; see above).
    func recordFailure(address: String?, now: Date) async {
        let addressKey = Self.addressKey(address)
        addresses.recordFailure([addressKey], now: now)
        await shared?.recordFailure(addressKey, policy: addresses, now: now)
    }

    /// Clears the account's count for this address (the address's own count stays: one success
    /// does not excuse fifty failures on other accounts).
    func recordSuccess(account: String, address: String?, now: Date) async {
        let accountKey = Self.accountKey(account, address: address)
        accounts.recordSuccess([accountKey])
        await shared?.recordSuccess(accountKey, now: now)
    }
}
