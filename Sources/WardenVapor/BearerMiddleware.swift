public import Vapor
public import WardenCore

/// Vapor middleware that reads the request's bearer token by WardenCore's rules
/// (``BearerCredentials``, RFC 6750 §2), verifies it with an ``AccessTokenVerifier`` and keeps
/// the ``VerifiedAccessToken`` on the request (``Vapor/Request/verifiedAccessToken``).
///
/// - No credentials: the request goes on without a token (protected routes answer 401).
/// - A token that fails verification: 401 `invalid_token` (503 if its keys cannot be had).
/// - Several credentials or bad syntax: 400 `invalid_request`.
///
/// While the rest of the request is handled, ``IncomingAccessToken/current`` holds the token,
/// so an `AuthorizedHTTPClient` calling the next service can exchange or forward it.
/// Scopes are checked by the routes of ``ProtectedRoutes``, which add them up.
public struct BearerMiddleware<Keys: VerificationKeySource>: AsyncMiddleware {
    // `verifier` (whose size depends on `Keys`) last: the others then sit at offsets known when
    // this module is compiled, read without asking the runtime for this type's metadata (issue 16).
    public let configuration: BearerAuthenticatorConfiguration
    let credentials: BearerCredentials
    public let verifier: AccessTokenVerifier<Keys>

    public init(verifier: AccessTokenVerifier<Keys>, configuration: BearerAuthenticatorConfiguration = .init()) {
        self.verifier = verifier
        self.configuration = configuration
        self.credentials = BearerCredentials(configuration: configuration)
    }

    public var realm: String { configuration.realm }

    /// The `DPoP` header field (RFC 9449 §4.1).
    static var dpopField: String { "DPoP" }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let incoming: IncomingAccessToken
        do {
            let headers = request.headers[.authorization]
            let queryTokens = BearerCredentials.queryTokens(inQuery: request.url.query)
            // Header and query mistakes are refused before any body is read. Without a body to
            // read, a Bearer token's syntax is left to BearerGate, which checks it unless the
            // verifier's cache answers for its bytes (issue 16).
            let bodyIsRead = credentials.formBodyIsRead(method: request.method.rawValue, contentType: request.headers.first(name: .contentType))
            var found = try credentials.presented(authorizationHeaders: headers, queryTokens: queryTokens, deferringTokenSyntax: !bodyIsRead)
            if bodyIsRead {
                let body = try await request.collectBody(upTo: configuration.maximumFormBodySize)
                let formTokens = BearerCredentials.formTokens(inBody: body.map { String(buffer: $0) } ?? "")
                found = try credentials.presented(authorizationHeaders: headers, queryTokens: queryTokens, formTokens: formTokens)
            }
            guard let presented = found else { return try await next.respond(to: request) }
            // Verified without suspending when its key is at hand (issue 16).
            let verified: VerifiedAccessToken
            let proofs = presented.isDPoP ? request.headers[Self.dpopField] : []
            if let atHand = try BearerGate.verifyWithoutSuspending(
                presented, proofs: proofs, method: request.method.rawValue, path: request.url.string, with: verifier, configuration: configuration
            ) {
                verified = atHand
            } else {
                verified = try await BearerGate.verify(
                    presented,
                    proofs: proofs,
                    method: request.method.rawValue,
                    path: request.url.string,
                    with: verifier,
                    configuration: configuration
                )
            }
            incoming = IncomingAccessToken(text: presented.text, verified: verified)
        } catch let refusal as BearerRefusal {
            return refusal.vaporResponse()
        }
        request.incomingAccessToken = incoming
        // The request's span (RequestTracingMiddleware) names the client; nothing without tracing.
        if verifier.isTraced { WardenTracing.annotateCurrentSpan(["oauth.client_id": incoming.verified.clientID]) }
        // The handler (and any client it calls the next service with) sees the incoming token.
        do {
            return try await IncomingAccessToken.$current.withValue(incoming) {
                try await next.respond(to: request)
            }
        } catch let refusal as BearerRefusal {
            // A handler's own refusal behind a plain `grouped(bearer)`: RFC 6750, not a 500.
            return refusal.vaporResponse()
        }
    }
}
