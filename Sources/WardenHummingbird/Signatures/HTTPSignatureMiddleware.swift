public import Hummingbird
public import WardenCore

/// Requires a valid request signature (RFC 9421) on every route after it, tokens or not: a
/// missing or bad one is `401 invalid_signature` with `Accept-Signature`. On protected routes,
/// prefer `ProtectedRouterGroup.requiringSignature(_:)` (the token is checked first).
public struct HTTPSignatureMiddleware<Context: RequestContext>: RouterMiddleware {
    public let requirement: HTTPSignatureRequirement

    /// - Precondition: `requirement` does not ask for the token's client as signer (there is no
    ///   token here: use `ProtectedRouterGroup.requiringSignature(_:)`).
    public init(_ requirement: HTTPSignatureRequirement, context: Context.Type = Context.self) {
        precondition(!requirement.signerMustBeTokenClient, "signerMustBeTokenClient needs a token: use ProtectedRouterGroup.requiringSignature")
        self.requirement = requirement
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        _ = try await request.checkSignature(requirement)
        return try await next(request, context)
    }
}
