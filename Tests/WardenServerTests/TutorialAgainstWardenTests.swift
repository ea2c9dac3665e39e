import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ScopesTutorial
import Testing
import WardenCore
import WardenServer
import WardenSQLite

/// The README's walkthrough: tokens from `warden serve` read the scopes tutorial's routes,
/// verified by the tutorial's own machinery (bearer authenticator, scoped route groups) against
/// Warden's JWKS.
@Suite struct TutorialAgainstWardenTests {
    @Test func wardenTokensReadTheTutorialsRoutes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-tutorial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("warden.sqlite").path
        // Learn a free port, then serve on it with the issuer the tutorial will trust.
        let port = try await TestServer.run(path: path, seed: false) { server in Int(server.baseURL.split(separator: ":").last!)! }
        let issuer = "http://127.0.0.1:\(port)"
        try await TestServer.run(path: path, port: port, seed: false, configure: { $0.issuer = issuer }) { server in
            // What the README has the user type with `warden scope/client/user create`.
            try await server.store.createScope(ScopeRecord(scope: "me", description: "Read information about the current user."))
            try await server.store.createScope(ScopeRecord(scope: "items", description: "Read items."))
            try await server.store.createClient(ClientRecord(id: "tutorial-web", secretHash: nil, grants: [.password], scopes: ["me", "items"], audiences: ["scopes-tutorial"]))
            try await server.store.createUser(UserRecord(name: "johndoe", passwordHash: try await PasswordHashing(cost: 4).hash("johndoe-secret"), scopes: ["me", "items"]))

            var configuration = TutorialConfiguration()
            configuration.bcryptCost = 4
            configuration.authorizationServer = issuer
            let app = try await buildTutorialApplication(configuration: configuration)
            let full = try #require(try await server.passwordToken("johndoe", "johndoe-secret", scope: "me items", client: "tutorial-web").accessToken)
            let meOnly = try #require(try await server.passwordToken("johndoe", "johndoe-secret", scope: "me", client: "tutorial-web").accessToken)
            try await app.test(.router) { client in
                try await client.execute(uri: "/users/me/items/", method: .get, headers: [.authorization: "Bearer \(full)"]) { response in
                    #expect(response.status == .ok)
                    let items = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: String]]
                    #expect(items == [["item_id": "Foo", "owner": "johndoe"]])
                }
                try await client.execute(uri: "/users/me/items/", method: .get, headers: [.authorization: "Bearer \(meOnly)"]) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope""#) == true)
                }
                // The tutorial no longer mints tokens itself.
                try await client.execute(uri: "/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "grant_type=password&username=johndoe&password=secret")) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }
}
