public import Hummingbird
public import WardenCore

/// What a ``ProtectedRouterGroup`` verifies its routes' tokens with: a ``BearerAuthenticator``,
/// whatever its key source.
@usableFromInline
protocol ProtectedRouteAuthenticator<Context>: Sendable {
    associatedtype Context: RequestContext
    func authenticateWithoutSuspending(_ request: Request) throws -> TokenAuthentication
    func authenticate(_ request: inout Request) async throws -> IncomingAccessToken?
    /// The same verification as middleware, for routes behind middleware added to a group (which
    /// must see the identity).
    var middleware: any MiddlewareProtocol<Request, Response, Context> { get }
}

extension BearerAuthenticator: ProtectedRouteAuthenticator {
    @usableFromInline var middleware: any MiddlewareProtocol<Request, Response, Context> { self }
}
