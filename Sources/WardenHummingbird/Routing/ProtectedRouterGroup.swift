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
    @usableFromInline let routes: RouterGroup<Context>
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
    ///
    /// Inlinable, as the methods that call it (issue 16): the route's closure and the usual
    /// request's checks are compiled in the service's module for its own context and handler.
    @inlinable
    @discardableResult
    public func on<Output: ResponseGenerator>(
        _ path: RouterPath = "",
        method: HTTPRequest.Method,
        requiring requirement: ScopeRequirement = .none,
        summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self {
        let route = protectedRoute(path, method: method, requiring: requirement, summary: summary)
        routes.on(path, method: method) { request, context -> Output in
            try await route.serve(request, context, handler: handler)
        }
        if method == .get { addHead(path, route: route, handler: handler) }
        return self
    }

    /// A route's checks — this group's requirements and `requirement` — and its documentation
    /// recorded.
    @usableFromInline
    func protectedRoute(_ path: RouterPath, method: HTTPRequest.Method, requiring requirement: ScopeRequirement, summary: String?) -> ProtectedRoute<Context> {
        let whole = self.requirement.adding(requirement)
        documentation?.add(method: method, path: self.path.appendingPath(path), requirement: whole, summary: summary)
        return ProtectedRoute(
            requirement: whole,
            realm: realm,
            dpop: dpop,
            proofOfPossession: requiresProofOfPossession,
            signature: signature,
            refusals: refusals,
            // As refusals name it (issue 14): the method too, so the permission audit tells
            // `GET /orders/{id}` from `DELETE /orders/{id}`.
            name: "\(method.rawValue) \(self.path.appendingPath(path).description)",
            // Verified in the route unless the authenticator is middleware by now (see `add(middleware:)`).
            authenticator: placement.isMiddleware ? nil : authenticator
        )
    }

    /// RFC 9110 §9.3.2: HEAD wherever GET, with the same checks and header fields and no body
    /// (Vapor answers HEAD through GET routes by itself; Hummingbird does not).
    @usableFromInline
    func addHead<Output: ResponseGenerator>(
        _ path: RouterPath,
        route: ProtectedRoute<Context>,
        handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) {
        routes.on(path, method: .head) { request, context -> Response in
            let response = try await route.serve(request, context) { request, context, authorized in
                try await handler(request, context, authorized).response(from: request, context: context)
            }
            return Response(status: response.status, headers: response.headers)
        }
    }

    @inlinable
    @discardableResult
    public func get<Output: ResponseGenerator>(
        _ path: RouterPath = "", requiring requirement: ScopeRequirement = .none, summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self { on(path, method: .get, requiring: requirement, summary: summary, use: handler) }

    @inlinable
    @discardableResult
    public func post<Output: ResponseGenerator>(
        _ path: RouterPath = "", requiring requirement: ScopeRequirement = .none, summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self { on(path, method: .post, requiring: requirement, summary: summary, use: handler) }

    @inlinable
    @discardableResult
    public func put<Output: ResponseGenerator>(
        _ path: RouterPath = "", requiring requirement: ScopeRequirement = .none, summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self { on(path, method: .put, requiring: requirement, summary: summary, use: handler) }

    @inlinable
    @discardableResult
    public func patch<Output: ResponseGenerator>(
        _ path: RouterPath = "", requiring requirement: ScopeRequirement = .none, summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self { on(path, method: .patch, requiring: requirement, summary: summary, use: handler) }

    @inlinable
    @discardableResult
    public func delete<Output: ResponseGenerator>(
        _ path: RouterPath = "", requiring requirement: ScopeRequirement = .none, summary: String? = nil,
        use handler: nonisolated(nonsending) @Sendable @escaping (Request, Context, AuthorizedToken) async throws -> Output
    ) -> Self { on(path, method: .delete, requiring: requirement, summary: summary, use: handler) }
}
