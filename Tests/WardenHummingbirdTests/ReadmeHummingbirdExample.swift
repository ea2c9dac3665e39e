import Hummingbird
import HummingbirdAuth
import WardenClient
import WardenCore
import WardenHummingbird
import WardenOpenAPI

// The README's "Protect your own Hummingbird route" block, kept compiling with exactly its
// imports; Tests/Readme/run_readme.py checks that every line of the block appears here in
// order. Its statements are split over three functions (the key set, the routes over any key
// set, the application) so that ReadmeExampleTests can run the same routes on a test key.

typealias AppContext = BasicAuthRequestContext<VerifiedAccessToken>

extension Scope {
    static let readOrders: Scope = "order.read"
    static let writeOrders: Scope = "order.write"
}

func readmeKeys() -> RemoteJWKSKeySet {
    // Keys from the authorization server's JWKS (refreshed in the background; add `keys` to your
    // ServiceGroup so its refresh runs), or a StaticKeySet of keys you hold.
    let keys = RemoteJWKSKeySet(url: "https://auth.example.com/oauth2/jwks")
    return keys
}

func buildOrdersRouter<Keys: VerificationKeySource>(keys: Keys) -> Router<AppContext> {
    let verifier = AccessTokenVerifier(
        configuration: .init(issuer: "https://auth.example.com", audience: "order-service"),
        keys: keys
    )
    let authenticator = BearerAuthenticator(verifier: verifier, configuration: .init(realm: "orders"), context: AppContext.self)

    let router = Router(context: AppContext.self)
    let docs = OpenAPIRouteRegistry()
    let orders = router.protected("orders", by: authenticator, requiring: .allOf(.readOrders), documentation: docs)
    orders.get("{id}") { request, context, auth in            // needs order.read
        "order for \(auth.subject)"
    }
    orders.post(requiring: .allOf(.writeOrders)) { request, context, auth in   // needs order.read + order.write
        "created"
    }
    router.addOpenAPIRoutes(
        builder: OpenAPIDocumentBuilder(title: "Orders", scopes: [(.readOrders, "Read orders"), (.writeOrders, "Place orders")]),
        registry: docs
    )
    return router
}

func readmeApplication() -> some ApplicationProtocol {
    let keys = readmeKeys()
    let router = buildOrdersRouter(keys: keys)
    let app = Application(router: router, services: [keys])
    return app
}
