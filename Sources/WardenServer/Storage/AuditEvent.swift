public import Foundation

/// One audit record: what happened, to whom, by whom, and how it ended. Never a token, secret,
/// code or password.
public struct AuditEvent: Sendable, Hashable {
    public var id: Int64?
    public var at: Date
    /// `token.issued`, `token.refreshed`, `token.exchanged`, `token.revoked`, `key.rotated`,
    /// `client.authentication_failed`, `user.authentication_failed`, …
    public var event: String
    public var clientID: String?
    public var subject: String?
    public var scope: String?
    public var tokenID: String?
    /// `success`, or the OAuth error code.
    public var outcome: String
    public var detail: String?

    public init(id: Int64? = nil, at: Date, event: String, clientID: String? = nil, subject: String? = nil, scope: String? = nil, tokenID: String? = nil, outcome: String, detail: String? = nil) {
        self.id = id
        self.at = at
        self.event = event
        self.clientID = clientID
        self.subject = subject
        self.scope = scope
        self.tokenID = tokenID
        self.outcome = outcome
        self.detail = detail
    }
}
