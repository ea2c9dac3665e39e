import Foundation

/// An access token obtained from the authorization server, with when to stop using it.
struct IssuedToken: Sendable {
    let value: String
    /// Bound to the client's DPoP key (`token_type: DPoP`, RFC 9449 §5): sent as
    /// `Authorization: DPoP` with a proof.
    let isDPoP: Bool
    /// A little before the token expires, so it is never sent stale.
    let renewAt: Date

    init(value: String, isDPoP: Bool = false, expiresIn: Int, now: Date) {
        self.value = value
        self.isDPoP = isDPoP
        // Renew at 90% of the lifetime, and at least 10 s before expiry (never below zero).
        let lifetime = Double(max(expiresIn, 0))
        self.renewAt = now.addingTimeInterval(max(0, min(lifetime * 0.9, lifetime - 10)))
    }
}
