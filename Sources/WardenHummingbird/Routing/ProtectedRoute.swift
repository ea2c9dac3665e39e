public import Hummingbird
public import HummingbirdAuth
public import WardenCore

/// One protected route's checks, settled when the route is added (``ProtectedRouterGroup/on(_:method:requiring:summary:use:)``);
/// ``serve(_:_:handler:)`` runs them for each request.
///
/// Inlinable, with the group's `on` (issue 16): the usual request — a token verified without
/// suspending, no signature to check — is then compiled in the service's own module for its
/// request context and handler, instead of once for any: no copies of the context through
/// value witnesses, no generic metadata looked up a request.
///
/// A class: a request reads its checks through one reference, where a struct's fields — a
/// dozen references — were copied (retained and released) each time one was read into a call
/// (issue 16: ~25 reference counts a request in `perf`).
@usableFromInline
final class ProtectedRoute<Context: AuthRequestContext>: Sendable where Context.Identity == VerifiedAccessToken {
    /// What the route requires: its groups' scopes and its own.
    @usableFromInline let requirement: ScopeRequirement
    @usableFromInline let realm: String
    @usableFromInline let dpop: DPoPAcceptance?
    @usableFromInline let proofOfPossession: Bool
    @usableFromInline let signature: HTTPSignatureRequirement?
    /// `signature != nil`, read without copying the requirement.
    @usableFromInline let requiresSignature: Bool
    @usableFromInline let refusals: (any AccessRefusalReporter)?
    /// As refusals name it (issue 14): `GET /orders/{id}`.
    @usableFromInline let name: String
    /// What verifies the token in the route; `nil` when the authenticator runs as middleware
    /// in front of it (and has set the identity).
    @usableFromInline let authenticator: (any ProtectedRouteAuthenticator<Context>)?

    init(
        requirement: ScopeRequirement, realm: String, dpop: DPoPAcceptance?, proofOfPossession: Bool,
        signature: HTTPSignatureRequirement?, refusals: (any AccessRefusalReporter)?, name: String,
        authenticator: (any ProtectedRouteAuthenticator<Context>)?
    ) {
        self.requirement = requirement
        self.realm = realm
        self.dpop = dpop
        self.proofOfPossession = proofOfPossession
        self.signature = signature
        self.requiresSignature = signature != nil
        self.refusals = refusals
        self.name = name
        self.authenticator = authenticator
    }

    /// A request to the route: its token verified here unless middleware did, a signature
    /// checked when required, the scopes checked, then `handler`, with
    /// ``IncomingAccessToken/current`` set to the token verified here.
    @inlinable
    func serve<Output>(
        _ request: Request,
        _ context: Context,
        handler: nonisolated(nonsending) @Sendable (Request, Context, AuthorizedToken) async throws -> Output
    ) async throws -> Output {
        // Verified without suspending, the usual request (issue 16)…
        let atHand = try authenticator?.authenticateWithoutSuspending(request)
        // …and then, with no signature to read a body for, served with the request as it came
        // (a copy of it costs a dozen reference counts).
        if !requiresSignature, case .verified(let incoming)? = atHand {
            let authorized = try admit(incoming.verified)
            // The context copied once, inside: copied outside, the closure captured a second
            // copy (issue 16: a dozen reference counts a request).
            return try await IncomingAccessToken.$current.withValue(incoming) {
                var context = context
                context.identity = incoming.verified
                return try await handler(request, context, authorized)
            }
        }
        return try await serveAfterWaiting(request, context, atHand: atHand, handler: handler)
    }

    /// `serve` for the rest: a token that takes waiting (a body, a key, a
    /// proof), none, or a signature to check. Not inlined: one copy for every route.
    @usableFromInline
    func serveAfterWaiting<Output>(
        _ request: Request,
        _ context: Context,
        atHand: TokenAuthentication?,
        handler: nonisolated(nonsending) @Sendable (Request, Context, AuthorizedToken) async throws -> Output
    ) async throws -> Output {
        var request = request
        var context = context
        var incoming: IncomingAccessToken?
        switch atHand {
        case .verified(let token)?: incoming = token
        case .mustWait?: incoming = try await authenticator?.authenticate(&request)
        case .noCredentials?, nil: break
        }
        if let incoming { context.identity = incoming.verified }
        // A signed request is part of who is calling: checked before what they may do.
        if let signature, let token = context.identity {
            try signature.checkSigner(try await request.checkSignature(signature), tokenClientID: token.claims.clientID)
        }
        let authorized = try admit(context.identity)
        // The handler (and any client it calls the next service with) sees the incoming token.
        guard let incoming else { return try await handler(request, context, authorized) }
        return try await IncomingAccessToken.$current.withValue(incoming) { try await handler(request, context, authorized) }
    }

    /// The scope check (and proof of possession, when required) of the request's verified token.
    @inlinable
    func admit(_ token: VerifiedAccessToken?) throws(BearerRefusal) -> AuthorizedToken {
        try BearerGate.admit(token, requirement: requirement, realm: realm, dpop: dpop, proofOfPossession: proofOfPossession, route: name, refusals: refusals)
    }
}
