public import Foundation

/// An alert on abnormal permission use (issue 14): what was detected, about whom, how often and
/// when. Deduplicated while it lasts: further occurrences grow ``count`` and move ``lastSeen``
/// instead of making new alerts. Never holds a token, secret, code or password.
public struct AlertRecord: Sendable, Hashable {
    /// Stable for the alert's life (a UUID): what webhooks and `warden alerts` name it by.
    public var id: String
    /// `credential_guessing`, `refresh_token_reuse`, `insufficient_scope_burst`, …
    public var kind: String
    /// What the alert is about, for deduplication within its kind (`user:alice`,
    /// `address:203.0.113.7`, `family:…`).
    public var key: String
    /// `low`, `medium` or `high`.
    public var severity: String
    /// One sentence a person reads.
    public var summary: String
    public var subject: String?
    public var clientID: String?
    public var service: String?
    public var count: Int
    public var windowSeconds: Int
    public var firstSeen: Date
    public var lastSeen: Date

    public init(
        id: String = UUID().uuidString.lowercased(), kind: String, key: String, severity: String, summary: String,
        subject: String? = nil, clientID: String? = nil, service: String? = nil, count: Int, windowSeconds: Int, firstSeen: Date, lastSeen: Date
    ) {
        self.id = id
        self.kind = kind
        self.key = key
        self.severity = severity
        self.summary = summary
        self.subject = subject
        self.clientID = clientID
        self.service = service
        self.count = count
        self.windowSeconds = windowSeconds
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
