public import Hummingbird
public import HummingbirdAuth
public import WardenCore
public import WardenOpenAPI

extension RouterMethods where Context: AuthRequestContext, Context.Identity == VerifiedAccessToken {
    /// A group at `path` whose routes need a token verified by `authenticator` and meeting
    /// `requirement`. Routes added to it are recorded in `documentation` for the OpenAPI document.
    ///
    /// Create protected groups on the router itself so documented paths are complete.
    public func protected<Keys: VerificationKeySource>(
        _ path: RouterPath = "",
        by authenticator: BearerAuthenticator<Context, Keys>,
        requiring requirement: ScopeRequirement = .none,
        documentation: OpenAPIRouteRegistry? = nil
    ) -> ProtectedRouterGroup<Context> {
        // The routes verify their tokens themselves (issue 16: a middleware layer costs executor
        // switches); middleware added to the group puts the authenticator in front of it.
        let routes = self.group(path)
        return ProtectedRouterGroup(
            routes: routes,
            path: path,
            requirement: requirement,
            realm: authenticator.realm,
            dpop: authenticator.configuration.dpop,
            refusals: authenticator.configuration.refusals,
            documentation: documentation,
            authenticator: authenticator,
            placement: AuthenticationPlacement()
        )
    }
}
