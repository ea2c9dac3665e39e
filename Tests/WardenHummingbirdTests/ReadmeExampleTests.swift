import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import Testing
import WardenCore
import WardenHummingbird
import WardenTesting

// The README's "Protect your own Hummingbird route" example, kept compiling and checked here.
// If you change one, change the other.

typealias AppContext = BasicAuthRequestContext<VerifiedAccessToken>

extension Scope {
    static let readOrders: Scope = "order.read"
    static let writeOrders: Scope = "order.write"
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
    orders.get("{id}") { request, context, auth in  // needs order.read
        "order for \(auth.subject)"
    }
    orders.post(requiring: .allOf(.writeOrders)) { request, context, auth in  // needs order.read + order.write
        "created"
    }
    router.addOpenAPIRoutes(
        builder: OpenAPIDocumentBuilder(title: "Orders", scopes: [(.readOrders, "Read orders"), (.writeOrders, "Place orders")]),
        registry: docs
    )
    return router
}

@Suite struct ReadmeExampleTests {
    @Test func theReadmeExampleProtectsItsRoutes() async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
        let remote = RemoteJWKSKeySet(url: "http://127.0.0.1:1/jwks")  // as in the README; not used below
        _ = Application(router: buildOrdersRouter(keys: remote), services: [remote])

        let app = Application(router: buildOrdersRouter(keys: try issuer.keySet()))
        let reader = try issuer.token(subject: "alice", scope: [.readOrders])
        try await app.test(.router) { client in
            try await client.execute(uri: "/orders/1", method: .get, headers: [.authorization: "Bearer \(reader)"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "order for alice")
            }
            try await client.execute(uri: "/orders", method: .post, headers: [.authorization: "Bearer \(reader)"]) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.wwwAuthenticate]?.hasSuffix(#"scope="order.read order.write""#) == true)
            }
        }
    }
}
