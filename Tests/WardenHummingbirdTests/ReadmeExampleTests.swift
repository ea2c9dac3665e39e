import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import Testing
import WardenCore
import WardenHummingbird
import WardenTesting

// The README's "Protect your own Hummingbird route" example (ReadmeHummingbirdExample.swift),
// run: on a test key, and as the README builds it.

@Suite struct ReadmeExampleTests {
    @Test func theReadmeExampleProtectsItsRoutes() async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
        // As the README builds it (its JWKS URL is not reachable here: no request is verified,
        // and the key set's refresh service is left out of this run).
        _ = readmeApplication()
        try await Application(router: buildOrdersRouter(keys: readmeKeys())).test(.router) { client in
            try await client.execute(uri: "/orders/1", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="orders", scope="order.read""#)
            }
        }

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
