public import ServiceLifecycle
import WardenClient
public import WardenCore
public import WardenOpenAPI

/// The tutorial app without its web framework: the verifier its routes use, the background work
/// it needs, the password grant (or the answer naming Warden's token endpoint), the handlers'
/// answers and the OpenAPI settings. `buildTutorialApplication` (Hummingbird) and
/// `buildTutorialVaporApplication` (Vapor) serve the same routes from it:
///
/// | route | requires |
/// |---|---|
/// | `POST /token` | nothing (the password grant) |
/// | `GET /users/me` | a token with `me` |
/// | `GET /users/me/items` | `me` and `items` (added up) |
/// | `GET /status` | any valid token |
public struct ScopesTutorialService: Sendable {
    public let configuration: TutorialConfiguration
    public let users: TutorialUserDirectory
    public let verifier: AccessTokenVerifier<TutorialKeys>
    /// When it trusts Warden: the JWKS refresh and the revocation feed
    /// (``AuthorizationServerConnection``), so a token revoked at Warden is refused here within
    /// the feed's latency, not only once it expires. Empty when it mints its own tokens.
    public let services: [any Service]
    /// `scopes` of the OpenAPI document, and its flows (the password grant here, or Warden's).
    public let openAPI: OpenAPIDocumentBuilder
    /// `realm` of its challenges.
    public let realm = "scopes-tutorial"
    /// `nil` when it trusts Warden's tokens and mints none.
    let passwordGrant: PasswordGrant?

    /// Summaries of the routes, for the OpenAPI document.
    public enum Summary {
        public static let token = "Log in (OAuth 2 password grant)"
        public static let me = "The current user"
        public static let items = "The current user's items"
        public static let status = "Service status"
    }

    /// The most bytes `POST /token` reads; a larger body is `invalid_request`.
    public static let maximumTokenRequestSize = PasswordGrant.maximumBodySize

    public init(configuration: TutorialConfiguration = .init(), users: TutorialUserDirectory? = nil, signingKey: SigningKey? = nil) async throws {
        let users = users ?? .seeded(cost: configuration.bcryptCost)
        self.configuration = configuration
        self.users = users
        let keys: TutorialKeys
        // Minting its own tokens, nothing is revoked: an empty list.
        var revocations = RevocationList()
        var openAPI = OpenAPIDocumentBuilder(title: "Warden scopes tutorial", scopes: TutorialScopes.all)
        if let server = configuration.authorizationServer {
            let warden = AuthorizationServerConnection(issuer: server, feedConfiguration: configuration.revocationFeed)
            keys = .remote(warden.keys)
            revocations = warden.revocations
            services = warden.services
            passwordGrant = nil
            openAPI.passwordTokenURL = configuration.resolvedIssuer + "/oauth2/token"
            openAPI.authorizationCodeURLs = (configuration.resolvedIssuer + "/oauth2/authorize", configuration.resolvedIssuer + "/oauth2/token")
        } else {
            let key: SigningKey
            if let signingKey { key = signingKey } else { key = await SigningKey.generateES256() }
            keys = .local(try StaticKeySet([key.verificationKey]))
            services = []
            passwordGrant = PasswordGrant(users: users, signer: AccessTokenSigner(key: key), configuration: configuration)
            openAPI.passwordTokenURL = "/token"
        }
        self.openAPI = openAPI
        self.verifier = AccessTokenVerifier(
            configuration: .init(issuer: configuration.resolvedIssuer, audience: configuration.audience),
            keys: keys,
            revocations: revocations
        )
    }

    /// Whether `POST /token` is the tutorial's own password grant (and in its OpenAPI document).
    public var mintsTokens: Bool { passwordGrant != nil }

    /// `POST /token`. `body` is `nil` when it was larger than ``maximumTokenRequestSize``.
    public func token(contentType: String?, body: [UInt8]?) async -> TutorialAnswer {
        guard let passwordGrant else {
            // Tokens come from the Warden authorization server: say so to whoever asks here.
            let tokenEndpoint = configuration.resolvedIssuer + "/oauth2/token"
            return TutorialAnswer(
                status: 404,
                headerFields: [("Content-Type", "application/json")],
                body: JSONValue.object([
                    "error": "not_found",
                    "error_description": .string("This app trusts Warden's tokens and mints none: ask \(tokenEndpoint)."),
                ]).serialized()
            )
        }
        return await passwordGrant.answer(contentType: contentType, body: body)
    }

    /// `GET /users/me` (the route has checked `me`).
    public func me(_ token: VerifiedAccessToken) -> TutorialAnswer {
        activeUser(token).map { user in
            .json(UserResponse(username: user.username, email: user.email, full_name: user.fullName, disabled: user.disabled))
        } ?? TutorialAnswer(Self.notAUser(token))
    }

    /// `GET /users/me/items` (the route has checked `me items`).
    public func items(_ token: VerifiedAccessToken) -> TutorialAnswer {
        activeUser(token).map { user in .json([ItemResponse(item_id: "Foo", owner: user.username)]) }
            ?? TutorialAnswer(Self.notAUser(token))
    }

    /// `GET /status` (any valid token).
    public func status() -> TutorialAnswer { .json(StatusResponse(status: "ok")) }

    /// The token's user, if they still exist and are active (a token outlives a change of
    /// status). A client's own token (client credentials: `sub` is the client) is nobody's: a
    /// client named like a user must not pass as that user.
    private func activeUser(_ token: VerifiedAccessToken) -> TutorialUser? {
        guard !token.isClientItself, let user = users.user(named: token.subject), !user.disabled else { return nil }
        return user
    }

    private static func notAUser(_ token: VerifiedAccessToken) -> OAuthError {
        token.isClientItself
            ? OAuthError.accessDenied("The token does not represent a user.")
            : OAuthError.accessDenied("The user account is disabled.")
    }
}
