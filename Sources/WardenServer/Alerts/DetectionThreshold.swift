/// When a detection raises an alert (issue 14): `count` occurrences within `window`. While the
/// alert lasts (seen again within `window`), further occurrences grow it instead of raising
/// new ones.
public struct DetectionThreshold: Sendable, Hashable {
    public var count: Int
    public var window: Duration

    public init(count: Int, window: Duration) {
        self.count = max(1, count)
        self.window = window
    }

    /// Defaults (docs/architecture.md, decision 13):
    /// - `credential_guessing`: 10 failed authentications of one account, or from one address,
    ///   in 5 minutes (the lockouts start at 5 per address and account; this is the point a
    ///   person should look);
    /// - `refresh_token_reuse`: every reuse (a rotated refresh token presented again is either
    ///   theft or a broken client; both need a person), grouped per family for an hour.
    /// - `insufficient_scope_burst`: one subject or client refused for missing scopes 20 times
    ///   in 5 minutes (a few refusals are a user trying a button they may not use);
    /// - `invalid_token_burst`: 50 tokens that fail verification for a forgery's reasons at one
    ///   service in a minute (expired tokens do not count);
    /// - `revoked_token_use`: one revoked token presented 3 times within an hour (its own app
    ///   presents it once or twice after a logout or `end-sessions`: that is ordinary);
    /// - `new_scope_use`: a client's token carries a scope none of its tokens carried before,
    ///   after a learning period of 7 days from the first token Warden saw it get (the
    ///   `window` is the learning period; every first use raises, so `count` is 1).
    public static let credentialGuessing = DetectionThreshold(count: 10, window: .seconds(300))
    public static let refreshTokenReuse = DetectionThreshold(count: 1, window: .seconds(3600))
    public static let insufficientScopeBurst = DetectionThreshold(count: 20, window: .seconds(300))
    public static let invalidTokenBurst = DetectionThreshold(count: 50, window: .seconds(60))
    public static let revokedTokenUse = DetectionThreshold(count: 3, window: .seconds(3600))
    public static let newScopeUse = DetectionThreshold(count: 1, window: .seconds(7 * 86_400))
}
