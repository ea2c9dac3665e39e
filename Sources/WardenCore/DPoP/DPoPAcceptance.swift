/// How a resource server accepts DPoP-bound tokens (RFC 9449 §7): the proof verifier (one per
/// service: its replay cache remembers every proof it accepted) and the base URL the service's
/// clients use, to which a request's path is appended to form the URI a proof's `htu` must
/// name. Behind a proxy or load balancer that is the public URL, not the listening address.
public struct DPoPAcceptance: Sendable {
    public let verifier: DPoPProofVerifier
    /// `scheme://host[:port]` (and a path prefix, if the service is mounted under one), without
    /// a trailing slash.
    public let externalBaseURL: String
    /// When set, proofs must carry this service's current nonce (RFC 9449 §9): a proof without
    /// it is answered `401` with `error="use_dpop_nonce"` and a `DPoP-Nonce` header. Give every
    /// instance of one service the same key, so each accepts the others' nonces.
    public let nonces: DPoPNonces?
    /// Whether the service takes DPoP-bound tokens only, on every route (see
    /// ``requiringProofOfPossession()``).
    public private(set) var requiresProofOfPossession = false

    public init(externalBaseURL: String, verifier: DPoPProofVerifier = DPoPProofVerifier(), nonces: DPoPNonces? = nil) {
        self.verifier = verifier
        self.nonces = nonces
        self.externalBaseURL = externalBaseURL.hasSuffix("/") ? String(externalBaseURL.dropLast()) : externalBaseURL
    }

    /// The same acceptance for a service that takes DPoP-bound tokens only, on every route: a
    /// request under `Bearer` is refused before its token is even verified, and every refusal
    /// carries the `DPoP` challenge alone (RFC 9449 §7.1). For a service where only some routes
    /// need it, use the route groups' `requiringProofOfPossession()` instead (refusals made
    /// before routing, such as an invalid token, then offer both schemes, as the service does).
    public func requiringProofOfPossession() -> DPoPAcceptance {
        var acceptance = self
        acceptance.requiresProofOfPossession = true
        return acceptance
    }

    /// The URI a proof for a request to `path` (its path and query, as received) must name.
    public func targetURI(path: String) -> String {
        externalBaseURL + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// `algs` of the `DPoP` challenge (RFC 9449 §7.1).
    public var algorithms: String { verifier.algorithmNames.joined(separator: " ") }
}
