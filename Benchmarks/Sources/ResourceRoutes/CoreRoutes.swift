import Hummingbird
import WardenCore
import WardenHummingbird

/// The routes issue 16's cached target compares, the same in the HTTP benchmark
/// (ResourceServerBench, `resource/run.sh`) and in the in-process one (RouteBenchmarks):
///
/// - `plain`: no check;
/// - `bearer`: the same handler behind `protected(…, requiring: .allOf("orders.read"))`;
/// - `inline`: a control — the same cached verification and scope check written by hand in a
///   plain handler, no adapter (what any token check costs, issue 16).
///
/// `plain` and `bearer` first and side by side: Hummingbird's router compares a path with the
/// routes at each level in turn (`RouterTrie`, a sibling list), so a route registered four places
/// later paid four more string comparisons (~50 ns a request in `perf`) that are routing, not its
/// check. `bearer` comes second: it pays the one comparison more.
public enum CoreRoutes {
    public static func add<Keys: VerificationKeySource>(
        to router: Router<BearerRequestContext>,
        verifier: AccessTokenVerifier<Keys>,
        configuration: BearerAuthenticatorConfiguration
    ) {
        router.get("plain") { _, _ in "alice" }
        router.protected("bearer", by: BearerAuthenticator(verifier: verifier, configuration: configuration, context: BearerRequestContext.self), requiring: .allOf("orders.read"))
            .get { _, _, auth in auth.subject }
        router.get("inline", use: inlineCheck(verifier))
    }

    /// The `inline` control's handler: the cached verification and scope check by hand (also
    /// ResourceServerBench's `parts/inline`).
    public static func inlineCheck<Keys: VerificationKeySource>(
        _ verifier: AccessTokenVerifier<Keys>
    ) -> @Sendable (Request, BearerRequestContext) async throws -> String {
        let ordersRead = Scope("orders.read")
        return { request, _ in
            let headers = request.headers[values: .authorization]
            guard headers.count == 1, headers[0].hasPrefix("Bearer "),
                let verified = try verifier.verifyWithoutSuspending(String(headers[0].dropFirst(7))),
                verified.scope.contains(ordersRead)
            else { throw HTTPError(.unauthorized) }
            return verified.subject
        }
    }
}
