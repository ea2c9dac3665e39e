import Foundation
import Testing
import Vapor
import VaporTesting
import WardenVapor

/// The README's Vapor example (ReadmeVaporExample.swift) as built there: its routes answer
/// without a token as RFC 6750 says (its JWKS URL is not reachable here: nothing is verified).
@Suite struct ReadmeVaporExampleTests {
    @Test func theReadmeExampleProtectsItsRoutes() async throws {
        let app = try await readmeVaporApplication(run: false)
        do {
            try await app.testing().test(.GET, "orders/1") { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers.first(name: "WWW-Authenticate") == #"Bearer realm="orders", scope="order.read""#)
            }
            try await app.testing().test(.POST, "orders") { response in
                #expect(response.headers.first(name: "WWW-Authenticate") == #"Bearer realm="orders", scope="order.read order.write""#)
            }
            try await app.testing().test(.GET, "openapi.json") { response in
                let document = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                let paths = document?["paths"] as? [String: [String: [String: Any]]] ?? [:]
                #expect(paths["/orders/{id}"]?["get"]?["summary"] as? String == "One order")
                #expect(paths["/orders/{id}"]?["get"]?["security"] as? [[String: [String]]] == [["oauth2": ["order.read"]]])
                #expect(paths["/orders"]?["post"]?["security"] as? [[String: [String]]] == [["oauth2": ["order.read", "order.write"]]])
                #expect(paths["/docs"] == nil)
                // OpenAPI 3.1 requires each `{name}` of a path to be declared.
                let parameters = paths["/orders/{id}"]?["get"]?["parameters"] as? [[String: Any]]
                #expect(parameters?.map { "\($0["in"] ?? "") \($0["name"] ?? "")" } == ["path id"])
                #expect(paths["/orders"]?["post"]?["parameters"] == nil)
            }
            try await app.testing().test(.GET, "docs") { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "Content-Security-Policy")?.contains("default-src 'none'") == true)
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
