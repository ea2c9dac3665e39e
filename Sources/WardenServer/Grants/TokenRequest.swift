import WardenCore

/// A request to the token endpoint, as the HTTP adapter read it: the form parameters (with
/// `audience` and `resource` allowed to repeat, RFC 8693 §2.1, RFC 8707 §2) and the client's
/// credentials.
public struct TokenRequest: Sendable {
    public var parameters: [String: String]
    public var audiences: [String]
    public var resources: [String]
    public var client: ClientCredentials?
    /// The caller's IP address, for brute-force counting.
    public var remoteAddress: String?

    public init(parameters: [String: String], audiences: [String] = [], resources: [String] = [], client: ClientCredentials?, remoteAddress: String? = nil) {
        self.parameters = parameters
        self.audiences = audiences
        self.resources = resources
        self.client = client
        self.remoteAddress = remoteAddress
    }

    public subscript(name: String) -> String? { parameters[name] }

    /// A required, non-empty parameter.
    func require(_ name: String) throws -> String {
        guard let value = parameters[name], !value.isEmpty else { throw OAuthError.invalidRequest("\(name) is required.") }
        return value
    }
}
