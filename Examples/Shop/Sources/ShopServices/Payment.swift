/// A payment as the payment service records it: who it was for (`sub`) and which services
/// acted for them (`act` chain, most recent first).
public struct Payment: Codable, Sendable, Equatable {
    public let id: String
    public let orderID: String
    public let amount: Int
    public let subject: String
    public let actors: [String]
    /// The `jti` of the token the payment service received (for audits: never the token).
    public let tokenID: String
    public let audience: [String]
    public let scope: String
    /// The `cnf.jkt` of that token: the key of the service that presented it (RFC 9449).
    public let keyThumbprint: String?
    public let status: String
}
