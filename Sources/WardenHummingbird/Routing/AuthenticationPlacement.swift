import Synchronization

/// Where a ``ProtectedRouterGroup``'s routes verify their token: in the route itself (no
/// middleware in front: issue 16, each middleware layer costs executor switches), or, once
/// middleware has been added to the group or a group it is nested in, by the authenticator placed
/// as middleware before it (so that middleware sees the identity). Decided when a route is added,
/// as Hummingbird applies middleware to the routes added after it.
final class AuthenticationPlacement: Sendable {
    private let enclosing: AuthenticationPlacement?
    private let placedAsMiddleware = Mutex(false)

    init(enclosing: AuthenticationPlacement? = nil) {
        self.enclosing = enclosing
    }

    /// Whether routes added now are behind the authenticator as middleware (here or in an
    /// enclosing group).
    var isMiddleware: Bool {
        placedAsMiddleware.withLock { $0 } || enclosing?.isMiddleware == true
    }

    /// Records that the authenticator is now middleware of this group; `false` when it already
    /// was (here or in an enclosing group): then it is not added again, which would verify a
    /// token twice (and refuse its DPoP proof as replayed).
    func placeAsMiddleware() -> Bool {
        if enclosing?.isMiddleware == true { return false }
        return placedAsMiddleware.withLock { placed in
            defer { placed = true }
            return !placed
        }
    }
}
