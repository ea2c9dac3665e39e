/// The access token of the request being handled, as it arrived and as it was verified. The
/// Hummingbird authenticator sets it (a task-local) around the handler, so a client calling the
/// next service can exchange it, or forward it when told to, without the handler passing it on.
public struct IncomingAccessToken: Sendable {
    /// The compact JWS as it arrived. Never log it.
    public let rawValue: String
    public let verified: VerifiedAccessToken

    public init(rawValue: String, verified: VerifiedAccessToken) {
        self.rawValue = rawValue
        self.verified = verified
    }

    /// The token of the request this task is handling, if any.
    @TaskLocal public static var current: IncomingAccessToken?
}
