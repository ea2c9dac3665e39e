import Crypto
import Foundation
import WardenCore

/// HMAC-signed values for the login and consent forms: the CSRF token bound to a per-browser
/// cookie nonce (the signed double-submit pattern), and the login ticket that carries the
/// authenticated user from the login form to the consent form, bound to the same nonce and to
/// the exact authorization request, and valid for a few minutes. The key is derived from the
/// master key, so no server-side session state is needed. (Hand-written: no listed library
/// implements these; the MAC is swift-crypto's.)
struct FormTokenSigner: Sendable {
    private let key: SymmetricKey

    init(masterKey: MasterKey) {
        key = masterKey.derivedKey(purpose: "authorize-forms")
    }

    private func mac(_ parts: [String]) -> String {
        let message = parts.map { "\($0.utf8.count):\($0)" }.joined()
        return Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key)))
    }

    private func equal(_ lhs: String, _ rhs: String) -> Bool {
        // Constant-time over equal lengths (both are MACs of the same size).
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    func csrfToken(nonce: String) -> String { mac(["csrf", nonce]) }

    func isValidCSRFToken(_ token: String, nonce: String) -> Bool { equal(token, csrfToken(nonce: nonce)) }

    /// `user.expiry.mac` for `user`, bound to the nonce, the request digest and the user's
    /// session epoch (``UserRecord/sessionsNotBefore``): a change that ends the user's sessions
    /// also ends a sign-in page's ticket (issue 14).
    func loginTicket(user: String, sessionsNotBefore: Date?, nonce: String, requestDigest: String, expiresAt: Date) -> String {
        let expiry = String(Int(expiresAt.timeIntervalSince1970))
        let encodedUser = Base64URL.encode(Array(user.utf8))
        return "\(encodedUser).\(expiry).\(mac(["login", user, expiry, Self.epoch(sessionsNotBefore), nonce, requestDigest]))"
    }

    /// The user a ticket names, not yet verified (to read their record, then ``user(fromTicket:sessionsNotBefore:nonce:requestDigest:now:)``).
    func claimedUser(inTicket ticket: String) -> String? {
        let parts = ticket.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let userBytes = Base64URL.decodeCanonical(parts[0].utf8) else { return nil }
        return String(decoding: userBytes, as: UTF8.self)
    }

    /// The user named by a valid, unexpired ticket made under the user's current session epoch.
    func user(fromTicket ticket: String, sessionsNotBefore: Date?, nonce: String, requestDigest: String, now: Date) -> String? {
        let parts = ticket.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let userBytes = Base64URL.decodeCanonical(parts[0].utf8), let expiry = Int(parts[1]) else { return nil }
        let user = String(decoding: userBytes, as: UTF8.self)
        guard equal(parts[2], mac(["login", user, parts[1], Self.epoch(sessionsNotBefore), nonce, requestDigest])) else { return nil }
        guard Double(expiry) > now.timeIntervalSince1970 else { return nil }
        return user
    }

    static func epoch(_ sessionsNotBefore: Date?) -> String {
        sessionsNotBefore.map { String($0.timeIntervalSince1970) } ?? "-"
    }

    /// A digest of the authorization request's parameters, so a ticket cannot be replayed for
    /// another client, redirect URI, scope or challenge.
    static func digest(_ parameters: [String: String]) -> String {
        let canonical = AuthorizationRequest.parameterNames.map { "\($0)=\(parameters[$0] ?? "")" }.joined(separator: "\n")
        return Base64URL.encode(Array(SHA256.hash(data: Array(canonical.utf8))))
    }
}
