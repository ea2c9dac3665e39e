public import WardenCore

/// A service this one calls: where it is, the audience its tokens must carry, the scopes calls
/// to it need, and which token they carry.
public struct ServiceTarget: Sendable, Hashable {
    public var baseURL: String
    public var audience: String
    public var scopes: ScopeSet
    public var tokenSource: TokenSource

    public init(baseURL: String, audience: String, scopes: ScopeSet, tokenSource: TokenSource) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.audience = audience
        self.scopes = scopes
        self.tokenSource = tokenSource
    }
}
