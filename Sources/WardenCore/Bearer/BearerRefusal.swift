/// A refusal of a protected request, as RFC 6750 §3 says to answer it: a status, a
/// `WWW-Authenticate: Bearer …` challenge (or `Retry-After` for 503), and a JSON body
/// `{"error", "error_description"}`. Descriptions are fixed texts that never say which check
/// failed. Framework-neutral: each adapter (WardenHummingbird, WardenVapor) writes it out as its
/// framework's response, so both answer byte for byte the same.
public struct BearerRefusal: Error, Sendable, Equatable {
    /// The HTTP status code.
    public let statusCode: Int
    /// The RFC 6750 §3.1 error code; `nil` when the request carried no credentials (§3.1).
    public let errorCode: String?
    public let errorDescription: String
    public let realm: String
    /// The `scope` attribute: every scope the route needs.
    public let scope: ScopeSet?
    /// The scheme whose challenge carries the error: the one the token was presented under.
    public internal(set) var errorScheme: Scheme = .bearer
    /// `algs` of a `DPoP` challenge (RFC 9449 §7.1) when the server accepts DPoP-bound tokens:
    /// then both challenges are sent. `nil`: the `Bearer` challenge alone.
    public internal(set) var dpopAlgorithms: String?
    /// The resource takes DPoP-bound tokens only: the `Bearer` challenge is not offered.
    public internal(set) var onlyDPoP = false
    /// A fresh nonce for the client's next proof (`DPoP-Nonce`, RFC 9449 §9).
    public internal(set) var dpopNonce: String?

    /// An authentication scheme of the challenges.
    public enum Scheme: Sendable, Equatable {
        case bearer
        /// RFC 9449 §7.1.
        case dpop
    }

    public init(statusCode: Int, errorCode: String?, errorDescription: String, realm: String, scope: ScopeSet?) {
        self.statusCode = statusCode
        self.errorCode = errorCode
        self.errorDescription = errorDescription
        self.realm = realm
        self.scope = scope
    }

    /// 401 without an error code: the request had no bearer credentials (RFC 6750 §3.1).
    public static func missingCredentials(realm: String, scope: ScopeSet) -> BearerRefusal {
        BearerRefusal(
            statusCode: 401, errorCode: nil, errorDescription: "This resource requires a bearer access token.",
            realm: realm, scope: scope.isEmpty ? nil : scope
        )
    }

    /// 401 `invalid_token`: malformed, forged, expired, revoked, or not meant for this service.
    public static func invalidToken(realm: String) -> BearerRefusal {
        BearerRefusal(statusCode: 401, errorCode: "invalid_token", errorDescription: "The access token is invalid.", realm: realm, scope: nil)
    }

    /// 403 `insufficient_scope`, naming every scope the route needs.
    public static func insufficientScope(realm: String, scope: ScopeSet) -> BearerRefusal {
        BearerRefusal(
            statusCode: 403, errorCode: "insufficient_scope",
            errorDescription: "The access token does not grant the scopes this resource requires.", realm: realm, scope: scope
        )
    }

    /// 400 `invalid_request`: several credentials, a malformed `Authorization` header, a token
    /// where this server does not take one.
    public static func invalidRequest(realm: String, description: String) -> BearerRefusal {
        BearerRefusal(statusCode: 400, errorCode: "invalid_request", errorDescription: description, realm: realm, scope: nil)
    }

    /// 401 `invalid_dpop_proof` (RFC 9449 §7.1): the `DPoP` proof is missing, doubled, fails a
    /// check, or is by another key than the token's.
    public static func invalidDPoPProof(realm: String) -> BearerRefusal {
        var refusal = BearerRefusal(statusCode: 401, errorCode: "invalid_dpop_proof", errorDescription: "The DPoP proof is invalid.", realm: realm, scope: nil)
        refusal.errorScheme = .dpop
        return refusal
    }

    /// 401 `use_dpop_nonce` (RFC 9449 §9): the proof must carry `nonce`, sent in `DPoP-Nonce`.
    public static func useDPoPNonce(realm: String, nonce: String) -> BearerRefusal {
        var refusal = BearerRefusal(statusCode: 401, errorCode: "use_dpop_nonce", errorDescription: "The resource server requires a nonce in the DPoP proof.", realm: realm, scope: nil)
        refusal.errorScheme = .dpop
        refusal.dpopNonce = nonce
        return refusal
    }

    /// This refusal as a server that accepts DPoP-bound tokens answers it: both challenges,
    /// the error on `scheme`'s. Unchanged when `dpop` is `nil`.
    public func offering(_ dpop: DPoPAcceptance?, errorScheme scheme: Scheme) -> BearerRefusal {
        guard let dpop else { return self }
        var refusal = self
        refusal.dpopAlgorithms = dpop.algorithms
        // A service taking bound tokens only offers no Bearer challenge (RFC 9449 §7.1).
        if dpop.requiresProofOfPossession { refusal.onlyDPoP = true }
        if errorCode != "invalid_dpop_proof", errorCode != "use_dpop_nonce" { refusal.errorScheme = scheme }
        return refusal
    }

    /// 401 for a resource that takes DPoP-bound tokens only (RFC 9449 §7.1): no token, or a
    /// bearer token. Only the `DPoP` challenge is offered.
    public static func proofOfPossessionRequired(realm: String, scope: ScopeSet, dpop: DPoPAcceptance, presentedBearer: Bool) -> BearerRefusal {
        var refusal = presentedBearer
            ? BearerRefusal(statusCode: 401, errorCode: "invalid_token", errorDescription: "This resource requires a DPoP-bound access token.", realm: realm, scope: scope.isEmpty ? nil : scope)
            : BearerRefusal(statusCode: 401, errorCode: nil, errorDescription: "This resource requires a DPoP-bound access token.", realm: realm, scope: scope.isEmpty ? nil : scope)
        refusal.errorScheme = .dpop
        refusal.dpopAlgorithms = dpop.algorithms
        refusal.onlyDPoP = true
        return refusal
    }

    /// 503: the token's keys cannot be had right now (e.g. JWKS unreachable too long). Not the
    /// client's fault, so not a 401.
    public static func temporarilyUnavailable(realm: String) -> BearerRefusal {
        BearerRefusal(
            statusCode: 503, errorCode: "temporarily_unavailable",
            errorDescription: "The access token cannot be verified right now; try again later.", realm: realm, scope: nil
        )
    }

    /// The `WWW-Authenticate` value (RFC 6750 §3). Attribute values here never contain `"` or `\`
    /// (realm is checked at configuration, scopes by grammar, descriptions are fixed).
    public var challenge: String { challenge(for: .bearer) }

    /// The challenge of `scheme`: the error only on the scheme the token came under; `algs` on
    /// `DPoP`'s.
    public func challenge(for scheme: Scheme) -> String {
        var parts = ["realm=\"\(realm)\""]
        if scheme == errorScheme, let errorCode {
            parts.append("error=\"\(errorCode)\"")
            parts.append("error_description=\"\(errorDescription)\"")
        }
        if let scope, !scope.isEmpty { parts.append("scope=\"\(scope)\"") }
        if scheme == .dpop, let dpopAlgorithms { parts.append("algs=\"\(dpopAlgorithms)\"") }
        return (scheme == .bearer ? "Bearer " : "DPoP ") + parts.joined(separator: ", ")
    }

    /// The response's header fields, in order: the challenge (or `Retry-After` for 503, which
    /// is not the client's fault), `Content-Type`, `Cache-Control: no-store`.
    public var headerFields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        if statusCode != 503 {
            if !onlyDPoP { fields.append(("WWW-Authenticate", challenge(for: .bearer))) }
            if dpopAlgorithms != nil { fields.append(("WWW-Authenticate", challenge(for: .dpop))) }
        } else {
            fields.append(("Retry-After", "5"))
        }
        if let dpopNonce { fields.append(("DPoP-Nonce", dpopNonce)) }
        fields.append(("Content-Type", "application/json"))
        fields.append(("Cache-Control", "no-store"))
        return fields
    }

    /// `{"error": …, "error_description": …}`
    public var jsonBody: [UInt8] {
        JSONValue.object([
            "error": .string(errorCode ?? "unauthorized"),
            "error_description": .string(errorDescription),
        ]).serialized()
    }
}
