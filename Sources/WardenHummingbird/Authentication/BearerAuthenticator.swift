import HTTPTypes

public import Hummingbird
public import HummingbirdAuth
public import WardenCore

/// Middleware that reads the request's bearer token (RFC 6750 §2), verifies it with an
/// ``AccessTokenVerifier`` and puts the ``VerifiedAccessToken`` in `context.identity`.
///
/// - No credentials: the request goes on without an identity (protected routes answer 401).
/// - A token that fails verification: 401 `invalid_token` (503 if its keys cannot be had).
/// - Several credentials or bad syntax: 400 `invalid_request`.
///
/// While the rest of the request is handled, ``IncomingAccessToken/current`` holds the token.
///
/// Scopes are not checked here: ``ProtectedRouterGroup`` routes check their added-up requirement.
public struct BearerAuthenticator<Context: AuthRequestContext, Keys: VerificationKeySource>: RouterMiddleware
where Context.Identity == VerifiedAccessToken {
    public let verifier: AccessTokenVerifier<Keys>
    public let configuration: BearerAuthenticatorConfiguration
    private let extractor: BearerCredentialExtractor

    public init(
        verifier: AccessTokenVerifier<Keys>,
        configuration: BearerAuthenticatorConfiguration = .init(),
        context: Context.Type = Context.self
    ) {
        self.verifier = verifier
        self.configuration = configuration
        self.extractor = BearerCredentialExtractor(configuration: configuration)
    }

    public var realm: String { configuration.realm }

    /// The `DPoP` header field (RFC 9449 §4.1).
    static var dpopField: HTTPField.Name { HTTPField.Name("DPoP")! }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        // The usual request is handled without suspending until `next`: a token in the
        // `Authorization` field, verified by a key at hand or remembered (issue 16: each `await`
        // here is an executor switch).
        let presented: PresentedAccessToken
        switch try extractor.extractWithoutBody(from: request) {
        case .nothing: return try await next(request, context)
        case .token(let token): presented = token
        case .bodyToRead:
            guard let token = try await extractor.extract(from: &request) else { return try await next(request, context) }
            presented = token
        }
        let verified: VerifiedAccessToken
        if let atHand = try BearerGate.verifyWithoutSuspending(presented, with: verifier, configuration: configuration) {
            verified = atHand
        } else {
            verified = try await BearerGate.verify(
                presented,
                proofs: request.headers[values: Self.dpopField],
                method: request.method.rawValue,
                path: request.uri.string,
                with: verifier,
                configuration: configuration
            )
        }
        context.identity = verified
        // The request's span (RequestTracingMiddleware) names the client; nothing without tracing.
        WardenTracing.annotateCurrentSpan(["oauth.client_id": verified.clientID])
        // The handler (and any client it calls the next service with) sees the incoming token.
        return try await IncomingAccessToken.$current.withValue(IncomingAccessToken(rawValue: presented.value, verified: verified)) {
            try await next(request, context)
        }
    }
}
