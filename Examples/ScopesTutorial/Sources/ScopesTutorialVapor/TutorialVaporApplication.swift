public import Logging
import NIOCore
public import ScopesTutorialCore
public import Vapor
public import WardenCore
import WardenVapor

/// Builds the FastAPI "OAuth2 scopes" tutorial app on Warden and Vapor: the same routes,
/// bodies, status codes, challenges and OpenAPI document as the Hummingbird build
/// (`buildTutorialApplication`), from the same ``ScopesTutorialService``. The app is configured
/// (routes, services in its lifecycle, host and port) but not started: `app.execute()` serves it.
public func buildTutorialVaporApplication(
    configuration: TutorialConfiguration = .init(),
    users: TutorialUserDirectory? = nil,
    signingKey: SigningKey? = nil,
    environment: Environment = .production,
    logger: Logger = Logger(label: "scopes-tutorial-vapor")
) async throws -> Application {
    let tutorial = try await ScopesTutorialService(configuration: configuration, users: users, signingKey: signingKey)
    let app = try await Application.make(environment)
    app.logger = logger
    app.http.server.configuration.hostname = configuration.host
    app.http.server.configuration.port = configuration.port
    app.http.server.configuration.serverName = "scopes-tutorial"
    app.lifecycle.use(WardenServicesLifecycle(tutorial.services, logger: logger))
    addTutorialRoutes(to: app, tutorial)
    return app
}

func addTutorialRoutes(to app: Application, _ tutorial: ScopesTutorialService) {
    // The body is read here, up to the limit, so a larger one is the grant's `invalid_request`
    // (as on Hummingbird), not Vapor's 413.
    let token = app.on(.POST, "token", body: .stream) { request async -> Response in
        let body: [UInt8]?
        do {
            body = try await request.collectBody(upTo: ScopesTutorialService.maximumTokenRequestSize).map { Array(buffer: $0) } ?? []
        } catch {
            body = nil
        }
        return await tutorial.token(contentType: request.headers.first(name: .contentType), body: body).response
    }
    if tutorial.mintsTokens { token.description(ScopesTutorialService.Summary.token) } else { token.excludedFromOpenAPI() }

    let bearer = BearerMiddleware(verifier: tutorial.verifier, configuration: .init(realm: tutorial.realm))

    // /users/me needs "me"; /users/me/items needs "items" on top (so "me items").
    let me = app.protected(by: bearer, requiring: .allOf(.me)).grouped("users", "me")
    me.get { _, auth in tutorial.me(auth.token).response }.description(ScopesTutorialService.Summary.me)
    me.get("items", requiring: .allOf(.items)) { _, auth in tutorial.items(auth.token).response }
        .description(ScopesTutorialService.Summary.items)

    // /status needs a valid token and no scope.
    app.protected(by: bearer).get("status") { _, _ in tutorial.status().response }
        .description(ScopesTutorialService.Summary.status)

    app.addOpenAPIRoutes(builder: tutorial.openAPI)
}

extension TutorialAnswer {
    /// The answer as a Vapor response.
    var response: Response {
        Response(statusCode: status, headerFields: headerFields, body: body)
    }
}
