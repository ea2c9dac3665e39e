/// The access token of the request being handled, as it arrived and as it was verified. The
/// Hummingbird authenticator sets it (a task-local) around the handler, so a client calling the
/// next service can exchange it, or forward it when told to, without the handler passing it on.
public struct IncomingAccessToken: Sendable {
    /// The token's characters where the request has them (issue 16: no copy a request; one only
    /// when ``rawValue`` is asked for, by a client calling the next service).
    package let text: Substring
    /// The compact JWS as it arrived. Never log it.
    public var rawValue: String { String(text) }
    public let verified: VerifiedAccessToken

    public init(rawValue: String, verified: VerifiedAccessToken) {
        self.init(text: rawValue[...], verified: verified)
    }

    package init(text: Substring, verified: VerifiedAccessToken) {
        self.text = text
        self.verified = verified
    }

    /// The token of the request this task is handling, if any.
    @TaskLocal public static var current: IncomingAccessToken?
}

/// Never the token in a description, an interpolation or a `dump` (it is a credential); the
/// verified token's claims are not secret.
extension IncomingAccessToken: CustomStringConvertible, CustomReflectable {
    public var description: String { "IncomingAccessToken(\(text.utf8.count) bytes, redacted, client_id: \(verified.clientID))" }
    public var customMirror: Mirror { Mirror(self, children: ["verified": verified], displayStyle: .struct) }
}
