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
            return "\(incoming?.verified.tokenID == auth.token.tokenID) \(incoming?.rawValue ?? "none")"
        }
        router.get("open") { _, _ in "\(IncomingAccessToken.current == nil)" }
        let token = try issuer.token(subject: "alice", scope: [])
        try await Application(router: router).test(.router) { client in
            // Exactly the token's characters, whatever surrounds them in the field (issue 16: the
            // token is kept as a part of the field's value).
            for header in ["Bearer \(token)", "  bEaReR   \(token) \t"] {
                try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: header]) { response in
                    #expect(String(buffer: response.body) == "true \(token)")
                }
            }
            try await client.execute(uri: "/open", method: .get) { response in
                #expect(String(buffer: response.body) == "true")
            }
        }
        #expect(IncomingAccessToken.current == nil)
    }
}
