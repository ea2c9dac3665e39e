import HTTPTypes
public import Hummingbird
import HummingbirdAuth
public import Logging
import NIOCore
public import ScopesTutorialCore
import ServiceLifecycle
public import WardenCore
import WardenExecutor
public import WardenHummingbird
import WardenOpenAPI

/// The request context of the tutorial: Hummingbird's, with the verified token as identity and
/// JSON answers in a stable member order (the README shows them as they come).
public typealias TutorialContext = BearerRequestContext

/// Builds the FastAPI "OAuth2 scopes" tutorial app on Warden and Hummingbird (the routes of
/// ``ScopesTutorialService``). The CLI and the tests use this.
public func buildTutorialApplication(
    configuration: TutorialConfiguration = .init(),
    users: TutorialUserDirectory? = nil,
    signingKey: SigningKey? = nil,
    logger: Logger = Logger(label: "scopes-tutorial")
) async throws -> some ApplicationProtocol {
    let tutorial = try await ScopesTutorialService(configuration: configuration, users: users, signingKey: signingKey)
    return Application(
        router: buildTutorialRouter(tutorial),
        // Responses of one pass of the loop flushed together (issue 16; README "Speed").
        server: .http1(configuration: .init(additionalChannelHandlers: [FlushConsolidationHandler()])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "scopes-tutorial"),
        services: tutorial.services,
        logger: logger
    )
}

/// The tutorial's routes (what ``buildTutorialApplication`` serves).
public func buildTutorialRouter(
    configuration: TutorialConfiguration = .init(),
    users: TutorialUserDirectory? = nil,
    signingKey: SigningKey? = nil
) async throws -> Router<TutorialContext> {
    buildTutorialRouter(try await ScopesTutorialService(configuration: configuration, users: users, signingKey: signingKey))
}

func buildTutorialRouter(_ tutorial: ScopesTutorialService) -> Router<TutorialContext> {
    let router = Router(context: TutorialContext.self)
    // A span per request when tracing is on (issue 16); before every route.
    if let tracing = RequestTracingMiddleware<TutorialContext>(service: "scopes-tutorial") { router.add(middleware: tracing) }
    let documentation = OpenAPIRouteRegistry()
    router.post("token") { request, _ in
        var request = request
        let body = try? await request.collectBody(upTo: ScopesTutorialService.maximumTokenRequestSize)
        return await tutorial.token(contentType: request.headers[.contentType], body: body.map { Array(buffer: $0) }).response
    }
    if tutorial.mintsTokens {
        documentation.addPublic(method: .post, path: "/token", summary: ScopesTutorialService.Summary.token)
    }

    let authenticator = BearerAuthenticator(verifier: tutorial.verifier, configuration: .init(realm: tutorial.realm), context: TutorialContext.self)

    // /users/me needs "me"; /users/me/items needs "items" on top (so "me items").
    let me = router.protected("users/me", by: authenticator, requiring: .allOf(.me), documentation: documentation)
    me.get(summary: ScopesTutorialService.Summary.me) { _, _, auth in tutorial.me(auth.token).response }
    me.get("items", requiring: .allOf(.items), summary: ScopesTutorialService.Summary.items) { _, _, auth in tutorial.items(auth.token).response }

    // /status needs a valid token and no scope.
    router.protected("status", by: authenticator, documentation: documentation)
        .get(summary: ScopesTutorialService.Summary.status) { _, _, _ in tutorial.status().response }

    router.addOpenAPIRoutes(builder: tutorial.openAPI, registry: documentation)
    return router
}

extension TutorialAnswer {
    /// The answer as a Hummingbird response.
    var response: Response {
        Response(statusCode: status, headerFields: headerFields, body: body)
    }
}
