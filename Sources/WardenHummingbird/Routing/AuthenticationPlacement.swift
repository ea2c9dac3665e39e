import Synchronization

/// Where a ``ProtectedRouterGroup``'s routes verify their token: in the route itself (no
/// middleware in front: issue 16, each middleware layer costs executor switches), or, once
/// middleware has been added to the group or a group it is nested in, by the authenticator placed
/// as middleware before it (so that middleware sees the identity). Decided when a route is added,
/// as Hummingbird applies middleware to the routes added after it. Routers are set up on one
/// thread; the lock only keeps this class `Sendable`.
final class AuthenticationPlacement: Sendable {
    private let enclosing: AuthenticationPlacement?
    private let placedAsMiddleware = Mutex(false)

    /// The tree of groups a request has been verified for by a ``PlacedAuthenticator``: a
    /// nested group that placed the authenticator before its enclosing group did sits behind both
    /// placements, and the second must not verify again (a DPoP proof would be refused as
    /// replayed).
    @TaskLocal static var verifiedTree: ObjectIdentifier?

    init(enclosing: AuthenticationPlacement? = nil) {
        self.enclosing = enclosing
    }

    /// The outermost group's placement: one per `router.protected(…)`.
    var tree: ObjectIdentifier { enclosing?.tree ?? ObjectIdentifier(self) }

    /// Whether routes added now are behind the authenticator as middleware (here or in an
    /// enclosing group).
    var isMiddleware: Bool {
        placedAsMiddleware.withLock { $0 } || enclosing?.isMiddleware == true
    }

    /// Records that the authenticator is now middleware of this group; `false` when it already
    /// was (here or in an enclosing group): then it is not added again.
    func placeAsMiddleware() -> Bool {
        if enclosing?.isMiddleware == true { return false }
        return placedAsMiddleware.withLock { placed in
            defer { placed = true }
            return !placed
        }
    }
}
