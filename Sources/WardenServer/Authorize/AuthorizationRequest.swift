import Foundation
public import WardenCore

/// An authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636 §4.3), validated in the order
/// RFC 6749 §4.1.2.1 asks for: first the client and the redirect URI — when either is wrong
/// nothing may be redirected, so the error is shown on a page — then everything else, whose
/// errors go back to the client's redirect URI.
public struct AuthorizationRequest: Sendable, Hashable {
    public var client: ClientRecord
    public var redirectURI: String
    public var state: String?
    public var scope: ScopeSet
    public var codeChallenge: String
    public var audience: [String]
    /// `dpop_jkt` (RFC 9449 §10): the thumbprint of the key the code is bound to; the token
    /// request redeeming it must carry a proof by that key.
    public var dpopKeyThumbprint: String? = nil

    /// The parameters that travel through the login and consent forms.
    static let parameterNames = ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "audience", "resource", "dpop_jkt"]

    /// Why a request was refused, and whether the refusal may be redirected.
    enum Refusal: Error {
        /// Shown on a page: the client or redirect URI cannot be trusted.
        case page(String)
        /// Sent to the (validated) redirect URI as `error`/`error_description`/`state`.
        case redirect(uri: String, state: String?, OAuthError)
    }

    static func validate(_ parameters: [String: String], store: any AuthorizationStore, known: Set<Scope>) async throws -> AuthorizationRequest {
        guard let clientID = parameters["client_id"], !clientID.isEmpty, clientID.utf8.count <= 256 else {
            throw Refusal.page("The request names no client.")
        }
        guard let client = try await store.client(id: clientID) else { throw Refusal.page("The client is not registered.") }
        guard !client.disabled else { throw Refusal.page("The client is disabled.") }
        // §3.1.2.3 and RFC 9700 §4.1.3: exact string match against a registered URI.
        guard let redirectURI = parameters["redirect_uri"], client.redirectURIs.contains(redirectURI) else {
            throw Refusal.page("The redirect URI is not registered for this client.")
        }
        let state = parameters["state"]
        func refuse(_ error: OAuthError) -> Refusal { .redirect(uri: redirectURI, state: state, error) }

        guard parameters["response_type"] == "code" else {
            throw refuse(OAuthError(code: "unsupported_response_type", description: "Only response_type=code is supported."))
        }
        guard client.grants.contains(.authorizationCode) else {
            throw refuse(.unauthorizedClient("The client may not use the authorization code flow."))
        }
        // PKCE is required for every client (RFC 9700 §2.1.1), and only S256 (plain is refused).
        guard let challenge = parameters["code_challenge"], !challenge.isEmpty else {
            throw refuse(.invalidRequest("code_challenge is required (PKCE)."))
        }
        guard parameters["code_challenge_method"] == "S256" else {
            throw refuse(.invalidRequest("code_challenge_method must be S256."))
        }
        // BASE64URL(SHA-256) is exactly 43 characters.
        guard challenge.utf8.count == 43, Base64URL.decodeCanonical(challenge.utf8)?.count == 32 else {
            throw refuse(.invalidRequest("code_challenge is not a S256 challenge."))
        }
        let requested: ScopeSet
        do { requested = try ScopeSet(parsing: parameters["scope"] ?? "") } catch {
            throw refuse(.invalidScope("The scope parameter is malformed."))
        }
        let scope: ScopeSet
        do { scope = try ScopePolicy.grant(requested: requested, client: client, user: nil, known: known) } catch let error as OAuthError {
            throw refuse(error)
        }
        guard !scope.isEmpty else { throw refuse(.invalidScope("No scope was requested or allowed.")) }
        var audience: [String] = []
        for key in ["audience", "resource"] { if let value = parameters[key] { audience.append(value) } }
        if audience.isEmpty {
            guard let first = client.audiences.first else { throw refuse(.invalidTarget("The client has no default audience.")) }
            audience = [first]
        }
        guard audience.allSatisfy(client.audiences.contains) else {
            throw refuse(.invalidTarget("The client may not request this audience."))
        }
        // RFC 9449 §10: a JWK SHA-256 thumbprint, base64url (43 characters).
        let dpopKeyThumbprint = parameters["dpop_jkt"]
        if let jkt = dpopKeyThumbprint, jkt.utf8.count != 43 || Base64URL.decodeCanonical(jkt.utf8)?.count != 32 {
            throw refuse(.invalidRequest("dpop_jkt is not a JWK SHA-256 thumbprint."))
        }
        return AuthorizationRequest(
            client: client, redirectURI: redirectURI, state: state, scope: scope, codeChallenge: challenge, audience: audience,
            dpopKeyThumbprint: dpopKeyThumbprint
        )
    }

    /// `redirect_uri` with `params` added to its query (RFC 6749 §4.1.2) and `iss` (RFC 9207).
    static func redirect(to uri: String, _ params: [(String, String)]) -> String {
        guard var components = URLComponents(string: uri) else { return uri }
        var items = components.queryItems ?? []
        items += params.map { URLQueryItem(name: $0.0, value: $0.1) }
        components.queryItems = items
        // URLComponents leaves '+' unescaped in queries, which form decoders read as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string ?? uri
    }
}
