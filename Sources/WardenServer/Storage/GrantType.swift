/// A `grant_type` value (RFC 6749 §4, RFC 8693 §2.1). Open-ended: unknown values parse, and are
/// refused by the token endpoint as `unsupported_grant_type`.
public struct GrantType: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let authorizationCode = GrantType("authorization_code")
    public static let clientCredentials = GrantType("client_credentials")
    public static let password = GrantType("password")
    public static let refreshToken = GrantType("refresh_token")
    public static let tokenExchange = GrantType("urn:ietf:params:oauth:grant-type:token-exchange")

    /// Every grant the server implements.
    public static let supported: [GrantType] = [.authorizationCode, .clientCredentials, .password, .refreshToken, .tokenExchange]

    /// Accepts the short name `token-exchange` too, for the command line.
    public init?(commandLineName: String) {
        if commandLineName == "token-exchange" || commandLineName == "token_exchange" { self = .tokenExchange; return }
        let grant = GrantType(commandLineName)
        guard GrantType.supported.contains(grant) else { return nil }
        self = grant
    }

    public var description: String { rawValue }
    public static func < (lhs: GrantType, rhs: GrantType) -> Bool { lhs.rawValue < rhs.rawValue }
}
