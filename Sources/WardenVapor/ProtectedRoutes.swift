public import Vapor
public import WardenCore

/// Routes that require a verified access token and, optionally, scopes, the Vapor way
/// (`grouped`, `get`, `post`, …). Scopes add up through nesting, as FastAPI's `SecurityScopes`
/// add up through dependencies and as WardenHummingbird's `ProtectedRouterGroup` does:
///
/// ```swift
/// let me = app.grouped(bearer).protected(realm: "api", requiring: .allOf("me")).grouped("users", "me")
/// me.get("items", requiring: .allOf("items")) { request, auth in … }   // needs "items me"
///     .description("The current user's items")                            // the OpenAPI summary
/// ```
///
/// Each route checks its whole requirement once per request (``BearerGate``); a 403 names every
/// scope it needs. The routes must sit behind a ``BearerMiddleware`` (else every request is 401).
public struct ProtectedRoutes {
    let routes: any RoutesBuilder
    /// What every route here requires.
    public let requirement: ScopeRequirement
    public let realm: String
    /// How DPoP-bound tokens are accepted, if they are (the middleware's): refusals then carry
    /// the `DPoP` challenge too.
    let dpop: DPoPAcceptance?
    let refusals: (any AccessRefusalReporter)?
    /// Whether its routes take DPoP-bound tokens only.
    public private(set) var requiresProofOfPossession = false
    /// The request signature its routes require, if any (RFC 9421).
    public private(set) var signature: HTTPSignatureRequirement?

    init(routes: any RoutesBuilder, requirement: ScopeRequirement, realm: String, dpop: DPoPAcceptance?, refusals: (any AccessRefusalReporter)? = nil) {
        self.refusals = refusals
        self.routes = routes
        self.requirement = requirement
        self.realm = realm
        self.dpop = dpop
    }

    /// The same routes, taking DPoP-bound tokens only (RFC 9449): a bearer token is refused with
    /// the `DPoP` challenge alone. Needs a middleware that accepts DPoP.
    public func requiringProofOfPossession() -> ProtectedRoutes {
        precondition(dpop != nil, "requiringProofOfPossession needs a BearerMiddleware configured with dpop")
        var routes = self
        routes.requiresProofOfPossession = true
        return routes
    }

    /// The same routes, also requiring a signed request (RFC 9421) meeting `requirement`: checked
    /// after the token and before the scopes, the body read (up to the requirement's limit) to
    /// check `Content-Digest`; a missing or bad signature is `401 invalid_signature` with
    /// `Accept-Signature`, as on Hummingbird.
    public func requiringSignature(_ requirement: HTTPSignatureRequirement) -> ProtectedRoutes {
        var routes = self
        routes.signature = requirement
        return routes
    }

    /// Nested routes under `path` whose routes require these scopes and `requirement`.
    public func grouped(_ path: PathComponent..., requiring requirement: ScopeRequirement = .none) -> ProtectedRoutes {
        var nested = ProtectedRoutes(routes: routes.grouped(path), requirement: self.requirement.adding(requirement), realm: realm, dpop: dpop, refusals: refusals)
        nested.requiresProofOfPossession = requiresProofOfPossession
        nested.signature = signature
        return nested
    }

    /// The same routes behind more middleware.
    public func grouped(_ middleware: any Middleware...) -> ProtectedRoutes {
        var nested = ProtectedRoutes(routes: routes.grouped(middleware), requirement: requirement, realm: realm, dpop: dpop, refusals: refusals)
        nested.requiresProofOfPossession = requiresProofOfPossession
        nested.signature = signature
        return nested
    }

    /// Adds a route that requires these scopes and `requirement`; the handler gets the request
    /// and the ``AuthorizedToken``.
    ///
    /// The token and the scopes are checked before the body is read, as on Hummingbird: a
    /// request without the right token gets its 401 or 403, never a 413 for a body nobody
    /// wanted. Then the body is collected as `body` says (Vapor's `.collect` by default, up to
    /// the application's `defaultMaxBodySize`; `.stream` leaves it to the handler).
    @discardableResult
    public func on<Output: AsyncResponseEncodable>(
        _ method: HTTPMethod,
        _ path: [PathComponent],
        body: HTTPBodyStreamStrategy = .collect,
        requiring requirement: ScopeRequirement = .none,
        use handler: @Sendable @escaping (Request, AuthorizedToken) async throws -> Output
    ) -> Route {
        let whole = self.requirement.adding(requirement)
        let realm = self.realm
        let dpop = self.dpop
        let proofOfPossession = requiresProofOfPossession
        let signature = self.signature
        let refusals = self.refusals
        // Named once registered (below): with its groups' path and the method.
        let routeName = ReportedRouteName("\(method.rawValue) " + ReportedRouteName.path(path))
        let route = routes.on(method, path, body: .stream) { request async throws -> Response in
            do {
                // A signed request is part of who is calling: checked before what they may do.
                if let signature, let token = request.verifiedAccessToken {
                    let fields = request.headers.map { (name: $0.name, value: $0.value) }
                    // The body is read only once the signature over the headers holds.
                    let verified = try await signature.check(method: request.method.rawValue, path: request.url.string, fields: fields) {
                        if let declared = request.headers.first(name: .contentLength).flatMap(Int.init), declared > signature.maximumBodySize {
                            throw Abort(.payloadTooLarge)
                        }
                        return try await request.collectBody(upTo: signature.maximumBodySize).map { Array($0.readableBytesView) } ?? []
                    }
                    try signature.checkSigner(verified, tokenClientID: token.claims.clientID)
                }
                let authorized = try BearerGate.admit(request.verifiedAccessToken, requirement: whole, realm: realm, dpop: dpop, proofOfPossession: proofOfPossession,
                                                      route: routeName.value, refusals: refusals)
                if case .collect(let maximum) = body {
                    let limit = maximum ?? request.application.routes.defaultMaxBodySize
                    _ = try await request.collectBody(upTo: limit.value)
                }
                // Bound again here: a future-based middleware between the bearer middleware and
                // this route may have run `next` outside the task that held it.
                return try await IncomingAccessToken.$current.withValue(request.incomingAccessToken) {
                    try await handler(request, authorized).encodeResponse(for: request)
                }
            } catch let refusal as HTTPSignatureRefusal {
                return Response(statusCode: refusal.statusCode, headerFields: refusal.headerFields, body: refusal.jsonBody)
            } catch let refusal as BearerRefusal {
                // Also one the handler throws (a finer check of its own): RFC 6750, as on
                // Hummingbird, never Vapor's 500.
                return refusal.vaporResponse()
            } catch let error as OAuthError {
                // A handler's `OAuthError` (e.g. `access_denied`): RFC 6749 §5.2 JSON, as on
                // Hummingbird, not Vapor's `{"error": true, "reason": …}`.
                return error.vaporResponse()
            }
        }
        // For the OpenAPI document: the route's whole requirement (`.description(…)` on the
        // returned route gives its summary, the Vapor way).
        route.scopeRequirement = whole
        routeName.value = "\(method.rawValue) " + ReportedRouteName.path(route.path)
        return route
    }

    @discardableResult
    public func get<Output: AsyncResponseEncodable>(
        _ path: PathComponent..., requiring requirement: ScopeRequirement = .none,
        use handler: @Sendable @escaping (Request, AuthorizedToken) async throws -> Output
    ) -> Route { on(.GET, path, requiring: requirement, use: handler) }

    @discardableResult
    public func post<Output: AsyncResponseEncodable>(
        _ path: PathComponent..., requiring requirement: ScopeRequirement = .none,
        use handler: @Sendable @escaping (Request, AuthorizedToken) async throws -> Output
    ) -> Route { on(.POST, path, requiring: requirement, use: handler) }

    @discardableResult
    public func put<Output: AsyncResponseEncodable>(
        _ path: PathComponent..., requiring requirement: ScopeRequirement = .none,
        use handler: @Sendable @escaping (Request, AuthorizedToken) async throws -> Output
    ) -> Route { on(.PUT, path, requiring: requirement, use: handler) }

    @discardableResult
    public func patch<Output: AsyncResponseEncodable>(
        _ path: PathComponent..., requiring requirement: ScopeRequirement = .none,
        use handler: @Sendable @escaping (Request, AuthorizedToken) async throws -> Output
    ) -> Route { on(.PATCH, path, requiring: requirement, use: handler) }

    @discardableResult
    public func delete<Output: AsyncResponseEncodable>(
        _ path: PathComponent..., requiring requirement: ScopeRequirement = .none,
        use handler: @Sendable @escaping (Request, AuthorizedToken) async throws -> Output
    ) -> Route { on(.DELETE, path, requiring: requirement, use: handler) }
}
