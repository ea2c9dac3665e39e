import Vapor
import WardenClient
import WardenCore
import WardenOpenAPI
import WardenVapor

// The README's "Protect your own Vapor route" block, kept compiling with exactly its imports;
// Tests/Readme/run_readme.py checks that every line of the block appears here in order.

func readmeVaporApplication(run: Bool) async throws -> Application {
    let app = try await Application.make()
    let auth = AuthorizationServerConnection(issuer: "https://auth.example.com")   // JWKS + revocation feed
    app.lifecycle.use(WardenServicesLifecycle(auth.services))                     // run with the app
    let bearer = BearerMiddleware(verifier: auth.verifier(audience: "order-service"), configuration: .init(realm: "orders"))

    let orders = app.protected(by: bearer, requiring: .allOf("order.read")).grouped("orders")
    orders.get(":id") { request, auth in                                // needs order.read
        "order \(request.parameters.get("id") ?? "?") for \(auth.subject)"
    }.description("One order")                                          // its OpenAPI summary
    orders.post(requiring: .allOf("order.write")) { request, auth in    // needs order.read + order.write
        "created"
    }
    app.addOpenAPIRoutes(builder: OpenAPIDocumentBuilder(                // /openapi.json and /docs
        title: "Orders", scopes: [("order.read", "Read orders"), ("order.write", "Place orders")]))
    if run {
        try await app.execute()
    }
    return app
}
