public import Hummingbird

/// The authenticator placed as middleware in front of middleware added to a protected group
/// (``ProtectedRouterGroup/add(middleware:)``): it verifies a request once for its tree of groups,
/// however many of the tree's groups placed it (a nested group may place it before its enclosing
/// group does; Hummingbird then runs both).
struct PlacedAuthenticator<Context: RequestContext>: RouterMiddleware {
    let authenticator: any MiddlewareProtocol<Request, Response, Context>
    let tree: ObjectIdentifier

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard AuthenticationPlacement.verifiedTree != tree else { return try await next(request, context) }
        return try await AuthenticationPlacement.$verifiedTree.withValue(tree) {
            try await authenticator.handle(request, context: context, next: next)
        }
    }
}
