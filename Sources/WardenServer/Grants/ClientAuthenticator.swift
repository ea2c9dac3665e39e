import Foundation
import Logging
import WardenCore

/// Checks who the client is (RFC 6749 §2.3). Every failure is the same `invalid_client`, so the
/// answer never tells whether a client exists; the audit log says which check failed.
public struct ClientAuthenticator: Sendable {
    let store: any AuthorizationStore
    let hasher: ClientSecretHasher
    let throttle: BruteForceGuard
    /// Keyed by the id's bytes: Swift compares `String`s by canonical equivalence, the database
    /// by bytes, so a lookup of `"\u{212A}vc"` (KELVIN SIGN) that missed would otherwise be
    /// remembered as "no client" for `"Kvc"` too (found by a review).
    let cache: ExpiringCache<[UInt8], ClientRecord?>
    let timeSource: TimeSource
    let logger: Logger
    /// `credential_guessing` per client and per address (issue 14).
    var alerts: AlertCenter?

    /// Runs on the caller's executor (`nonisolated(nonsending)`): from an actor, the secret's HMAC
    /// runs on that actor.
    /// - Parameters:
    ///   - credentials: what the request carried, `nil` when nothing.
    ///   - remoteAddress: the caller's IP, for brute-force counting. Worked out only when needed
    ///     (someone is locked out, or this authentication fails): an adapter's is the peer's
    ///     address as text, normalized, behind trusted proxies read from headers — ~0.3 µs that
    ///     a successful authentication on a server that locks nobody never needs (issue 16).
    ///   - allowPublic: whether a public client (no secret) may be the answer.
    public nonisolated(nonsending) func authenticate(_ credentials: ClientCredentials?, remoteAddress: @autoclosure () -> String?, allowPublic: Bool) async throws -> ClientRecord {
        guard let credentials else { throw OAuthError.invalidClient("Client authentication failed.") }
        let now = timeSource.now()
        // Failures are counted per client address only (``BruteForceGuard/lockedOut(address:now:)``).
        if let retryAfter = await throttle.lockedOut(address: remoteAddress(), now: now) {
            try await audit(credentials, outcome: "invalid_client", detail: "locked out for \(Int(retryAfter.rounded(.up))) s")
            // Still a guess: detection counts it (the lockout only slows the guesser down) —
            // for the address only: who is locked out is the address, not the client it named.
            await signalGuessing(nil, remoteAddress: remoteAddress())
            throw OAuthError.invalidClient("Client authentication failed.")
        }
        nonisolated(nonsending) func fail(_ detail: String, known: Bool = true) async throws -> Never {
            let address = remoteAddress()
            await throttle.recordFailure(address: address, now: now)
            try await audit(credentials, outcome: "invalid_client", detail: detail)
            // An id that names no client is counted for the address only: no alert names it
            // (it may be a secret pasted into the wrong field), and made-up ids open no alerts.
            await signalGuessing(known ? credentials : nil, remoteAddress: address)
            throw OAuthError.invalidClient("Client authentication failed.")
        }
        guard credentials.clientID.utf8.count <= 256 else { try await fail("client_id too long", known: false) }
        // Client ids are visible ASCII (the CLI allows no other): anything else is no client.
        guard Self.isVisibleASCII(credentials.clientID) else { try await fail("unknown client", known: false) }
        guard let client = try await client(id: credentials.clientID) else { try await fail("unknown client", known: false) }
        if let hash = client.secretHash {
            guard let secret = credentials.secret, secret.utf8.count <= 512 else { try await fail("confidential client without a secret") }
            guard hasher.matches(secret, hash: hash) else { try await fail("wrong secret") }
        } else {
            // A public client has no secret; sending one is a misconfiguration, not a login.
            guard credentials.secret == nil else { try await fail("secret sent for a public client") }
            guard allowPublic else { try await fail("public client where a confidential one is required") }
        }
        // Disabled (issue 14): refused as any failed authentication, but no guess — its
        // credentials were right; the audit log says why.
        guard !client.disabled else {
            try await audit(credentials, outcome: "invalid_client", detail: "client disabled")
            throw OAuthError.invalidClient("Client authentication failed.")
        }
        return client
    }

    /// `credential_guessing` (issue 14): per client (`nil`: the address only) and per address.
    private func signalGuessing(_ credentials: ClientCredentials?, remoteAddress: String?) async {
        guard let alerts else { return }
        if let credentials {
            let client = PrintableText.escaped(credentials.clientID.prefix(64))
            await alerts.signal(.credentialGuessing, key: "client:\(credentials.clientID.prefix(256))", severity: "medium", clientID: String(credentials.clientID.prefix(256))) { count, window in
                "\(count) failed authentications of client \(client) within \(window)"
            }
        }
        if let remoteAddress {
            let address = PrintableText.escaped(remoteAddress.prefix(64))
            await alerts.signal(.credentialGuessing, key: "address:\(remoteAddress.prefix(64))", severity: "medium") { count, window in
                "\(count) failed authentications from \(address) within \(window)"
            }
        }
    }

    /// The client with exactly this id (through the cache), `nil` when there is none.
    nonisolated(nonsending) func client(id: String) async throws -> ClientRecord? {
        try await cache.value(for: Array(id.utf8), load: { try await store.client(id: id) })
    }

    static func isVisibleASCII(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    private func audit(_ credentials: ClientCredentials, outcome: String, detail: String) async throws {
        logger.notice("client authentication failed", metadata: ["client_id": "\(PrintableText.escaped(credentials.clientID.prefix(64)))", "detail": "\(detail)"])
        try await store.appendAudit(AuditEvent(at: timeSource.now(), event: "client.authentication_failed", clientID: String(credentials.clientID.prefix(256)), outcome: outcome, detail: detail))
    }
}
