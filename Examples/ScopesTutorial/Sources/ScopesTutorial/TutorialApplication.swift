import Hummingbird
import HummingbirdAuth
import Logging
import NIOCore
import ServiceLifecycle
import WardenCore
import WardenClient
import WardenHummingbird

/// The request context of the tutorial: Hummingbird's, with the verified token as identity and
/// JSON answers in a stable member order (the README shows them as they come).
public typealias TutorialContext = BearerRequestContext

/// Builds the FastAPI "OAuth2 scopes" tutorial app on Warden. The CLI and the tests use this.
public func buildTutorialApplication(
    configuration: TutorialConfiguration = .init(),
    users: TutorialUserDirectory? = nil,
    signingKey: SigningKey? = nil,
    logger: Logger = Logger(label: "scopes-tutorial")
) async throws -> some ApplicationProtocol {
    let (router, services) = try await buildTutorialRouterAndServices(configuration: configuration, users: users, signingKey: signingKey)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "scopes-tutorial"),
        services: services,
        logger: logger
    )
}

/// The tutorial's routes (what ``buildTutorialApplication`` serves).
public func buildTutorialRouter(
    configuration: TutorialConfiguration = .init(),
    users: TutorialUserDirectory? = nil,
    signingKey: SigningKey? = nil
) async throws -> Router<TutorialContext> {
    try await buildTutorialRouterAndServices(configuration: configuration, users: users, signingKey: signingKey).router
}

/// The routes and the background work they need: trusting Warden, its JWKS refresh and its
/// revocation feed (``AuthorizationServerConnection``), so a token revoked at Warden is refused
/// here within the feed's latency, not only once it expires.
func buildTutorialRouterAndServices(
    configuration: TutorialConfiguration,
    users: TutorialUserDirectory?,
    signingKey: SigningKey?
) async throws -> (router: Router<TutorialContext>, services: [any Service]) {
    let users = users ?? .seeded(cost: configuration.bcryptCost)
    let keys: TutorialKeys
    // Minting its own tokens, nothing is revoked: an empty list.
    var revocations = RevocationList()
    var services: [any Service] = []
    var localSigner: AccessTokenSigner?
    if let server = configuration.authorizationServer {
        let warden = AuthorizationServerConnection(issuer: server, feedConfiguration: configuration.revocationFeed)
        keys = .remote(warden.keys)
        revocations = warden.revocations
        services = warden.services
    } else {
        let key: SigningKey
        if let signingKey { key = signingKey } else { key = await SigningKey.generateES256() }
        keys = .local(try StaticKeySet([key.verificationKey]))
        localSigner = AccessTokenSigner(key: key)
    }
    let verifier = AccessTokenVerifier(
        configuration: .init(issuer: configuration.resolvedIssuer, audience: configuration.audience),
        keys: keys,
        revocations: revocations
    )

    let router = Router(context: TutorialContext.self)
    let documentation = OpenAPIRouteRegistry()
    var openAPI = OpenAPIDocumentBuilder(title: "Warden scopes tutorial", scopes: TutorialScopes.all)
    if let signer = localSigner {
        let tokenEndpoint = PasswordTokenEndpoint(users: users, signer: signer, configuration: configuration)
        openAPI.passwordTokenURL = "/token"
        router.post("token") { request, _ in try await tokenEndpoint.handle(request) }
        documentation.addPublic(method: .post, path: "/token", summary: "Log in (OAuth 2 password grant)")
    } else {
        // Tokens come from the Warden authorization server: say so to whoever asks here.
        let tokenEndpoint = configuration.resolvedIssuer + "/oauth2/token"
        router.post("token") { _, _ in
            Response(
                status: .notFound,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: JSONValue.object([
                    "error": "not_found",
                    "error_description": .string("This app trusts Warden's tokens and mints none: ask \(tokenEndpoint)."),
                ]).serialized()))
            )
        }
        openAPI.passwordTokenURL = configuration.resolvedIssuer + "/oauth2/token"
        openAPI.authorizationCodeURLs = (configuration.resolvedIssuer + "/oauth2/authorize", configuration.resolvedIssuer + "/oauth2/token")
    }

    let authenticator = BearerAuthenticator(verifier: verifier, configuration: .init(realm: "scopes-tutorial"), context: TutorialContext.self)

    // /users/me needs "me"; /users/me/items needs "items" on top (so "me items").
    let me = router.protected("users/me", by: authenticator, requiring: .allOf(.me), documentation: documentation)
    me.get(summary: "The current user") { _, _, auth in
        let user = try activeUser(auth.token, in: users)
        return UserResponse(username: user.username, email: user.email, full_name: user.fullName, disabled: user.disabled)
    }
    me.get("items", requiring: .allOf(.items), summary: "The current user's items") { _, _, auth in
        let user = try activeUser(auth.token, in: users)
        return [ItemResponse(item_id: "Foo", owner: user.username)]
    }

    // /status needs a valid token and no scope.
    router.protected("status", by: authenticator, documentation: documentation)
        .get(summary: "Service status") { _, _, _ in StatusResponse(status: "ok") }

    router.addOpenAPIRoutes(builder: openAPI, registry: documentation)
    return (router, services)
}

/// The token's user, if they still exist and are active (a token outlives a change of status).
/// A client's own token (client credentials: `sub` is the client) is nobody's: a client named
/// like a user must not pass as that user.
private func activeUser(_ token: VerifiedAccessToken, in users: TutorialUserDirectory) throws -> TutorialUser {
    guard !token.isClientItself else { throw OAuthError.accessDenied("The token does not represent a user.") }
    guard let user = users.user(named: token.subject), !user.disabled else {
        throw OAuthError.accessDenied("The user account is disabled.")
    }
    return user
}
