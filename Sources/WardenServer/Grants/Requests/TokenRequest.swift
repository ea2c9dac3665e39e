public import WardenCore

/// A request to the token endpoint, parsed once at the HTTP edge (RFC 6749 §3.2, §4): its grant
/// type, the grant's own parameters as a typed request (``GrantParameters``), the requested
/// audiences and resources (repeatable, RFC 8693 §2.1, RFC 8707 §2), and the client's credentials.
///
/// A missing or unsupported `grant_type` is refused here. A grant's malformed parameters are
/// kept as the error they make and answered only once the client is authenticated and allowed
/// the grant (``TokenService/handle(_:)``), as Warden always has: an unknown client learns
/// nothing about the parameters it sent, and the refusal is audited against a known client.
public struct TokenRequest: Sendable {
    public let grantType: GrantType
    /// The grant's parameters, or why they are not valid.
    public let grant: Result<GrantParameters, OAuthError>
    public var audiences: [String]
    public var resources: [String]
    public var client: ClientCredentials?
    /// The caller's IP address, for brute-force counting.
    public var remoteAddress: String?
    /// The values of the request's `DPoP` header fields (RFC 9449 §4.1): one proof, or none.
    public var dpopProofs: [String]

    /// Parses the form parameters of a token request (each given once; `audience` and
    /// `resource` in their own lists).
    /// - Throws: `invalid_request` without `grant_type`; `unsupported_grant_type` for a grant the
    ///   server does not implement.
    public init(
        parameters: [String: String],
        audiences: [String] = [],
        resources: [String] = [],
        client: ClientCredentials?,
        remoteAddress: String? = nil,
        dpopProofs: [String] = []
    ) throws(OAuthError) {
        let grantType = GrantType(try GrantParameters.required("grant_type", in: parameters))
        guard GrantType.supported.contains(grantType) else {
            throw OAuthError.unsupportedGrantType("The grant type is not supported.")
        }
        self.grantType = grantType
        do {
            self.grant = .success(try GrantParameters(grantType: grantType, parameters: parameters))
        } catch {
            self.grant = .failure(error)
        }
        self.audiences = audiences
        self.resources = resources
        self.client = client
        self.remoteAddress = remoteAddress
        self.dpopProofs = dpopProofs
    }
}
