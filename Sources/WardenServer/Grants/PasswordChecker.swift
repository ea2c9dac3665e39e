import Foundation
import Logging
import Synchronization
import WardenCore

/// Checks a user's password for the password grant and the login page. Wrong user, wrong
/// password, disabled user and a locked-out user or IP all throw the same `invalid_grant`; the
/// audit log records which it was.
final class PasswordChecker: Sendable {
    let store: any AuthorizationStore
    let throttle: BruteForceGuard
    let hashing: PasswordHashing
    let timeSource: TimeSource
    let logger: Logger
    /// `credential_guessing` per account and per address (issue 14).
    let alerts: AlertCenter?
    private let decoy = Mutex<String?>(nil)

    init(store: any AuthorizationStore, throttle: BruteForceGuard, hashing: PasswordHashing, timeSource: TimeSource, logger: Logger, alerts: AlertCenter? = nil) {
        self.alerts = alerts
        self.store = store
        self.throttle = throttle
        self.hashing = hashing
        self.timeSource = timeSource
        self.logger = logger
    }

    static let failure = OAuthError.invalidGrant("Incorrect username or password.")

    func authenticate(username: String, password: String, remoteAddress: String?, clientID: String?) async throws -> UserRecord {
        let now = timeSource.now()
        // Bounded: an oversized user name is counted (and stored) under its first 256 characters.
        let account = "user:\(username.prefix(256))"
        func fail(_ detail: String, count: Bool = true) async throws -> Never {
            if count { await throttle.recordFailure(account: account, address: remoteAddress, now: now) }
            logger.notice("user authentication failed", metadata: ["client_id": "\(PrintableText.escaped(clientID ?? ""))", "detail": "\(detail)"])
            try await store.appendAudit(AuditEvent(at: now, event: "user.authentication_failed", clientID: clientID, subject: String(username.prefix(256)), outcome: "invalid_grant", detail: detail))
            // Every guess counts for detection, a locked-out one too (the lockout only slows the
            // guesser down); a right password for a disabled user is no guess.
            // Per account only for a user that exists and a guess that was checked: a made-up
            // name (or a password typed into the name field) opens no alert and is never named;
            // a locked-out attempt counts for the address. Per address always.
            if detail != "disabled user", let alerts {
                if detail == "wrong password" {
                    let name = PrintableText.escaped(username.prefix(64))
                    await alerts.signal(.credentialGuessing, key: account, severity: "medium", subject: String(username.prefix(256)), clientID: clientID) { count, window in
                        "\(count) failed sign-ins for user \(name) within \(window)"
                    }
                }
                if let remoteAddress {
                    let address = PrintableText.escaped(remoteAddress.prefix(64))
                    await alerts.signal(.credentialGuessing, key: "address:\(remoteAddress.prefix(64))", severity: "medium") { count, window in
                        "\(count) failed authentications from \(address) within \(window)"
                    }
                }
            }
            throw Self.failure
        }
        if await throttle.lockedOut(account: account, address: remoteAddress, now: now) != nil { try await fail("locked out", count: false) }
        guard username.utf8.count <= 256, password.utf8.count <= 1024 else { try await fail("oversized credentials") }
        guard let user = try await store.user(named: username) else {
            _ = try await hashing.verify(password, hash: try await decoyHash())
            try await fail("unknown user")
        }
        guard try await hashing.verify(password, hash: user.passwordHash) else { try await fail("wrong password") }
        guard !user.disabled else { try await fail("disabled user", count: false) }
        await throttle.recordSuccess(account: account, address: remoteAddress, now: now)
        return user
    }

    private func decoyHash() async throws -> String {
        if let hash = decoy.withLock({ $0 }) { return hash }
        let hash = try await hashing.decoyHash()
        decoy.withLock { $0 = hash }
        return hash
    }
}
