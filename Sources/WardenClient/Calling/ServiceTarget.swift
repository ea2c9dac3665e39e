public import WardenCore

/// A service this one calls: where it is, the audience its tokens must carry, the scopes calls
/// to it need, which token they carry, and whether they are signed (RFC 9421).
public struct ServiceTarget: Sendable {
    public var baseURL: String
    public var audience: String
    public var scopes: ScopeSet
    public var tokenSource: TokenSource
    /// Signs every call to this target (RFC 9421): the signer's components, plus `authorization`
    /// and, with a DPoP proof, `dpop` — the headers the client adds — and `Content-Digest` of the
    /// body when `content-digest` is covered. A call with a body must give it as bytes
    /// (``AuthorizedHTTPClient/collect(_:body:to:timeout:upTo:)``).
    public var signer: HTTPRequestSigner?

    public init(baseURL: String, audience: String, scopes: ScopeSet, tokenSource: TokenSource, signer: HTTPRequestSigner? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.audience = audience
        self.scopes = scopes
        self.tokenSource = tokenSource
        self.signer = signer
    }
}
