public import Hummingbird
public import HummingbirdAuth
public import WardenCore
import WardenOpenAPI

/// A group of routes that require a verified access token and, optionally, scopes. Scopes add up
/// through nesting, as FastAPI's `SecurityScopes` adds them up through dependencies:
///
/// ```swift
/// let me = api.group("users/me", requiring: .allOf("me"))
/// me.get("items", requiring: .allOf("items")) { request, context, auth in … }   // needs "me items"
/// ```
///
/// Each route checks its whole requirement once per request; a 403 names every scope it needs.
public struct ProtectedRouterGroup<Context: AuthRequestContext> where Context.Identity == VerifiedAccessToken {
    let routes: RouterGroup<Context>
    /// The path from the router's root, for documentation.
    public let path: RouterPath
    /// What every route in this group requires.
    public let requirement: ScopeRequirement
    public let realm: String
    /// How DPoP-bound tokens are accepted, if they are (the authenticator's): refusals then
    /// carry the `DPoP` challenge too.
    let dpop: DPoPAcceptance?
    /// Told of each 403 (issue 14; the authenticator configuration's `refusals`).
    let refusals: (any AccessRefusalReporter)?
    /// Whether its routes take DPoP-bound tokens only.
    public private(set) var requiresProofOfPossession = false
    /// The request signature its routes require, if any (RFC 9421).
    public private(set) var signature: HTTPSignatureRequirement?
    let documentation: OpenAPIRouteRegistry?
    /// What verifies the routes' tokens, and where (in the route, or as middleware).
    let authenticator: any ProtectedRouteAuthenticator<Context>
    let placement: AuthenticationPlacement

    init(
        routes: RouterGroup<Context>, path: RouterPath, requirement: ScopeRequirement, realm: String, dpop: DPoPAcceptance?,
        refusals: (any AccessRefusalReporter)? = nil, documentation: OpenAPIRouteRegistry?,
        authenticator: any ProtectedRouteAuthenticator<Context>, placement: AuthenticationPlacement
    ) {
        self.authenticator = authenticator
        self.placement = placement
        self.refusals = refusals
        self.routes = routes
        self.path = path
        self.requirement = requirement
        self.realm = realm
        self.dpop = dpop
        self.documentation = documentation
    }

    /// A nested group whose routes require this group's scopes and `requirement`.
    public func group(_ path: RouterPath = "", requiring requirement: ScopeRequirement = .none) -> ProtectedRouterGroup {
        var group = ProtectedRouterGroup(
            routes: routes.group(path),
            path: self.path.appendingPath(path),
            requirement: self.requirement.adding(requirement),
            realm: realm,
            dpop: dpop,
            refusals: refusals,
            documentation: documentation,
            authenticator: authenticator,
            placement: AuthenticationPlacement(enclosing: placement)
        )
        // Nested groups keep the requirements (they add up, as scopes do).
        group.requiresProofOfPossession = requiresProofOfPossession
        group.signature = signature
        return group
    }

    /// The same group, whose routes take DPoP-bound tokens only (RFC 9449): a bearer token is
    /// refused with the `DPoP` challenge alone. Needs an authenticator that accepts DPoP
    /// (`BearerAuthenticatorConfiguration.dpop`).
    public func requiringProofOfPossession() -> ProtectedRouterGroup {
        precondition(dpop != nil, "requiringProofOfPossession needs an authenticator configured with dpop")
        var group = self
        group.requiresProofOfPossession = true
        return group
    }

    /// The same group, whose routes also require a signed request (RFC 9421) meeting
    /// `requirement`: checked after the token is verified and before the scopes; a missing or bad
    /// signature is `401 invalid_signature` with `Accept-Signature`. The body is read (up to the
    /// requirement's limit) to check `Content-Digest` and stays readable by the handler.
    public func requiringSignature(_ requirement: HTTPSignatureRequirement) -> ProtectedRouterGroup {
        var group = self
        group.signature = requirement
        return group
    }

    /// Adds middleware to the routes added after this call. It runs after the token is verified
    /// (and sees `context.identity`), before the scopes are checked.
    @discardableResult
    public func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        if placement.placeAsMiddleware() { routes.add(middleware: PlacedAuthenticator(authenticator: authenticator.middleware, tree: placement.tree)) }
        routes.add(middleware: middleware)
        return self
    }

    /// Adds a route that requires this group's scopes and `requirement`.
    @discardableResult
    public func on<Output: ResponseGenerator>(
        _ path: RouterPath = "",
        method: HTTPRequest.Method,
        requiring requirement: ScopeRequirement = .none,
        summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self {
        let whole = self.requirement.adding(requirement)
        let realm = self.realm
        let dpop = self.dpop
        let proofOfPossession = requiresProofOfPossession
        let signature = self.signature
        let refusals = self.refusals
        // As refusals name it (issue 14): the method too, so the permission audit tells
        // `GET /orders/{id}` from `DELETE /orders/{id}`.
        let route = "\(method.rawValue) \(self.path.appendingPath(path).description)"
        documentation?.add(method: method, path: self.path.appendingPath(path), requirement: whole, summary: summary)
        // Verified in the route unless the authenticator is middleware by now (see `add(middleware:)`).
        let authenticator = placement.isMiddleware ? nil : self.authenticator
        routes.on(path, method: method) { request, context -> Output in
            var context = context
            // Verified without suspending, the usual request (issue 16).
            let atHand = try authenticator?.authenticateWithoutSuspending(request)
            // …and then, with no signature to read a body for, served with the request as it came
            // (a copy of it costs a dozen reference counts).
            if signature == nil, case .verified(let incoming)? = atHand {
                context.identity = incoming.verified
                let authorized = try BearerGate.admit(context.identity, requirement: whole, realm: realm, dpop: dpop, proofOfPossession: proofOfPossession, route: route, refusals: refusals)
                return try await IncomingAccessToken.$current.withValue(incoming) { try await handler(request, context, authorized) }
            }
            var request = request
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
            let authorized = try BearerGate.admit(context.identity, requirement: whole, realm: realm, dpop: dpop, proofOfPossession: proofOfPossession, route: route, refusals: refusals)
            // The handler (and any client it calls the next service with) sees the incoming token.
            guard let incoming else { return try await handler(request, context, authorized) }
            return try await IncomingAccessToken.$current.withValue(incoming) { try await handler(request, context, authorized) }
        }
        if method == .get {
            // RFC 9110 §9.3.2: HEAD wherever GET, with the same checks and header fields and no
            // body (Vapor answers HEAD through GET routes by itself; Hummingbird does not).
            routes.on(path, method: .head) { request, context -> Response in
                var request = request
                var context = context
                let incoming = try await authenticator?.authenticateInRoute(&request)
                if let incoming { context.identity = incoming.verified }
                if let signature, let token = context.identity {
                    try signature.checkSigner(try await request.checkSignature(signature), tokenClientID: token.claims.clientID)
                }
                let authorized = try BearerGate.admit(context.identity, requirement: whole, realm: realm, dpop: dpop, proofOfPossession: proofOfPossession, route: route, refusals: refusals)
                // Only a token verified here is set: behind the authenticator as middleware, the
                // middleware has set it (and `nil` here would hide it from the handler).
                let response: Response
                if let incoming {
                    response = try await IncomingAccessToken.$current.withValue(incoming) {
                        try await handler(request, context, authorized).response(from: request, context: context)
                    }
                } else {
                    response = try await handler(request, context, authorized).response(from: request, context: context)
                }
                return Response(status: response.status, headers: response.headers)
            }
        }
        return self
    }

    @discardableResult
    public func get<Output: ResponseGenerator>(
        _ path: RouterPath = "", requiring requirement: ScopeRequirement = .none, summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self { on(path, method: .get, requiring: requirement, summary: summary, use: handler) }

    @discardableResult
    public func post<Output: ResponseGenerator>(
        _ path: RouterPath = "", requiring requirement: ScopeRequirement = .none, summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self { on(path, method: .post, requiring: requirement, summary: summary, use: handler) }

    @discardableResult
    public func put<Output: ResponseGenerator>(
        _ path: RouterPath = "", requiring requirement: ScopeRequirement = .none, summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self { on(path, method: .put, requiring: requirement, summary: summary, use: handler) }

    @discardableResult
    public func patch<Output: ResponseGenerator>(
        _ path: RouterPath = "", requiring requirement: ScopeRequirement = .none, summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self { on(path, method: .patch, requiring: requirement, summary: summary, use: handler) }

    @discardableResult
    public func delete<Output: ResponseGenerator>(
        _ path: RouterPath = "", requiring requirement: ScopeRequirement = .none, summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self { on(path, method: .delete, requiring: requirement, summary: summary, use: handler) }
}
