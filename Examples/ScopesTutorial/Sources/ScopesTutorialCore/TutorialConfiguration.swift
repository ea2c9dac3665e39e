import Foundation
public import WardenClient

/// Settings of the tutorial app.
public struct TutorialConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8000
    /// `iss` of the tokens it mints; by default its own base URL.
    public var issuer: String?
    /// `aud` of its tokens and what its routes require.
    public var audience = "scopes-tutorial"
    /// Access-token lifetime (the FastAPI tutorial's 30 minutes).
    public var tokenLifetime: Duration = .seconds(30 * 60)
    /// A Warden authorization server (its issuer URL) whose tokens the app trusts instead of
    /// minting its own: keys come from its JWKS, revocations from its feed, and `POST /token`
    /// answers 404 naming Warden's token endpoint.
    public var authorizationServer: String?
    /// How the revocation feed of ``authorizationServer`` is followed.
    public var revocationFeed = RevocationFeedSubscriber.Configuration()
    /// bcrypt work factor for the seeded users.
    public var bcryptCost: UInt8 = 12

    public init() {}

    /// The `iss` its tokens carry: Warden's issuer URL as given, without a trailing slash (Warden's
    /// own issuer has none, and `iss` is compared exactly), or its own.
    public var resolvedIssuer: String {
        if let server = authorizationServer { return server.hasSuffix("/") ? String(server.dropLast()) : server }
        return issuer ?? "http://\(host):\(port)"
    }

    /// Whether `text` can be a Warden issuer URL: http(s), a host, no query or fragment.
    public static func isIssuerURL(_ text: String) -> Bool {
        guard let url = URL(string: text) else { return false }
        return ["http", "https"].contains(url.scheme ?? "") && url.host?.isEmpty == false && url.query == nil && url.fragment == nil
    }
}
