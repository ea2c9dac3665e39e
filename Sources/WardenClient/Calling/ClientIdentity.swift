/// Who a service is to the authorization server: its client id and secret, and where to ask for
/// tokens. The secret is sent with HTTP Basic (RFC 6749 §2.3.1) and never logged.
public struct ClientIdentity: Sendable {
    public var clientID: String
    public var clientSecret: String
    /// The authorization server's token endpoint, e.g. `https://auth.example.com/oauth2/token`.
    public var tokenEndpoint: String

    public init(clientID: String, clientSecret: String, tokenEndpoint: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenEndpoint = tokenEndpoint
    }
}
