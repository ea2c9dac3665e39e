public import Hummingbird
public import WardenCore

/// What a ``ProtectedRouterGroup`` verifies its routes' tokens with: a ``BearerAuthenticator``,
/// whatever its key source.
protocol ProtectedRouteAuthenticator<Context>: Sendable {
    associatedtype Context: RequestContext
    func authenticateWithoutSuspending(_ request: Request) throws -> TokenAuthentication
    func authenticate(_ request: inout Request) async throws -> IncomingAccessToken?
    /// The same verification as middleware, for routes behind middleware added to a group (which
    /// must see the identity).
    var middleware: any MiddlewareProtocol<Request, Response, Context> { get }
}

extension ProtectedRouteAuthenticator {
    /// The request's token for a route that verifies it itself: without suspending when it
    /// can, else by waiting. (The GET route spells this out inline: calling an async function is
    /// an executor switch on the hot path.)
    func authenticateInRoute(_ request: inout Request) async throws -> IncomingAccessToken? {
        switch try authenticateWithoutSuspending(request) {
        case .noCredentials: return nil
        case .verified(let token): return token
        case .mustWait: return try await authenticate(&request)
        }
    }
}

extension BearerAuthenticator: ProtectedRouteAuthenticator {
    var middleware: any MiddlewareProtocol<Request, Response, Context> { self }
}
