import Foundation

/// An access token obtained from the authorization server, with when to stop using it.
struct IssuedToken: Sendable {
    let value: String
    /// A little before the token expires, so it is never sent stale.
    let renewAt: Date

    init(value: String, expiresIn: Int, now: Date) {
        self.value = value
        // Renew at 90% of the lifetime, and at least 10 s before expiry (never below zero).
        let lifetime = Double(max(expiresIn, 0))
        self.renewAt = now.addingTimeInterval(max(0, min(lifetime * 0.9, lifetime - 10)))
    }
}
