/// How a client identified itself on a request (RFC 6749 §2.3): HTTP Basic
/// (`client_secret_basic`), form parameters (`client_secret_post`), or only a `client_id`
/// (a public client, `none`).
public struct ClientCredentials: Sendable, Hashable {
    public enum Method: String, Sendable {
        case clientSecretBasic = "client_secret_basic"
        case clientSecretPost = "client_secret_post"
        case none
    }
    public var clientID: String
    public var secret: String?
    public var method: Method

    public init(clientID: String, secret: String?, method: Method) {
        self.clientID = clientID
        self.secret = secret
        self.method = method
    }
}
