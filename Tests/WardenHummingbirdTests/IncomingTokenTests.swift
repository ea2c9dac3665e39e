import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import Testing
import WardenCore
import WardenHummingbird
import WardenTesting

/// The authenticator makes the incoming token available to the handler's task (for the client
/// that calls the next service), and only while the request is handled.
@Suite struct IncomingTokenTests {
    @Test func theHandlerSeesTheIncomingTokenAsATaskLocal() async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
        let verifier = issuer.verifier()
        let authenticator = BearerAuthenticator(verifier: verifier, configuration: .init(realm: "orders"), context: AppContext.self)
        let router = Router(context: AppContext.self)
        router.protected("whoami", by: authenticator).get { _, _, auth in
            let incoming = IncomingAccessToken.current
            return "\(incoming?.verified.tokenID == auth.token.tokenID) \(incoming?.rawValue.count ?? 0)"
        }
        router.get("open") { _, _ in "\(IncomingAccessToken.current == nil)" }
        let token = try issuer.token(subject: "alice", scope: [])
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(String(buffer: response.body) == "true \(token.utf8.count)")
            }
            try await client.execute(uri: "/open", method: .get) { response in
                #expect(String(buffer: response.body) == "true")
            }
        }
        #expect(IncomingAccessToken.current == nil)
    }
}
