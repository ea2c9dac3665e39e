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
    // `verifier` (whose size depends on `Keys`) last: the others then sit at offsets known when
    // this module is compiled, read without asking the runtime for this type's metadata (issue 16).
    public let configuration: BearerAuthenticatorConfiguration
    private let extractor: BearerCredentialExtractor
    public let verifier: AccessTokenVerifier<Keys>

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
        let incoming: IncomingAccessToken?
        switch try authenticateWithoutSuspending(request) {
        case .noCredentials: incoming = nil
        case .verified(let token): incoming = token
        case .mustWait: incoming = try await authenticate(&request)
        }
        guard let incoming else { return try await next(request, context) }
        context.identity = incoming.verified
        // The handler (and any client it calls the next service with) sees the incoming token.
        return try await IncomingAccessToken.$current.withValue(incoming) {
            try await next(request, context)
        }
    }

    /// The request's token verified without suspending — the usual request: a token in the
    /// `Authorization` field, verified by a key at hand or remembered (issue 16: each `await` on a
    /// request's path is an executor switch). Refuses as ``authenticate(_:)`` does.
    public func authenticateWithoutSuspending(_ request: Request) throws -> TokenAuthentication {
        let presented: PresentedAccessToken
        switch try extractor.extractWithoutBody(from: request) {
        case .nothing: return .noCredentials
        case .token(let token): presented = token
        case .bodyToRead: return .mustWait
        }
        let verified: VerifiedAccessToken?
        if presented.isDPoP {
            verified = try BearerGate.verifyWithoutSuspending(
                presented,
                proofs: request.headers[values: Self.dpopField],
                method: request.method.rawValue,
                path: request.uri.string,
                with: verifier,
                configuration: configuration
            )
        } else {
            verified = try BearerGate.verifyWithoutSuspending(presented, with: verifier, configuration: configuration)
        }
        guard let verified else { return .mustWait }
        return .verified(admitted(presented, verified))
    }

    /// The request's token, verified (its form body read when it may carry one), or `nil` when
    /// it has no credentials this server takes.
    /// - Throws: ``BearerRefusal``: 400 for bad or several credentials, 401 for a token (or DPoP
    ///   proof) that fails, 503 when its keys cannot be had.
    public func authenticate(_ request: inout Request) async throws -> IncomingAccessToken? {
        guard let presented = try await extractor.extract(from: &request) else { return nil }
        let verified = try await BearerGate.verify(
            presented,
            proofs: request.headers[values: Self.dpopField],
            method: request.method.rawValue,
            path: request.uri.string,
            with: verifier,
            configuration: configuration
        )
        return admitted(presented, verified)
    }

    /// A verified token, named on the request's span (RequestTracingMiddleware; nothing without
    /// tracing).
    func admitted(_ presented: PresentedAccessToken, _ verified: VerifiedAccessToken) -> IncomingAccessToken {
        if verifier.isTraced { WardenTracing.annotateCurrentSpan(["oauth.client_id": verified.clientID]) }
        return IncomingAccessToken(text: presented.text, verified: verified)
    }
}
