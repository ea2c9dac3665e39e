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

    /// Defaults (docs/design.md, "Detection"):
    /// - `credential_guessing`: 10 failed authentications of one account, or from one address,
    ///   in 5 minutes (the lockouts start at 5 per address and account; this is the point a
    ///   person should look);
    /// - `refresh_token_reuse`: every reuse (a rotated refresh token presented again is either
    ///   theft or a broken client; both need a person), grouped per family for an hour.
    public static let credentialGuessing = DetectionThreshold(count: 10, window: .seconds(300))
    public static let refreshTokenReuse = DetectionThreshold(count: 1, window: .seconds(3600))
}
