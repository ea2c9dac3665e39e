import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ScopesTutorial
import Testing
import WardenCore
import WardenTesting

/// The tutorial app, driven through its real router and over a real socket.
@Suite struct ScopesTutorialTests {
    static func configuration() -> TutorialConfiguration {
        var configuration = TutorialConfiguration()
        configuration.port = 0
        configuration.bcryptCost = 4  // fast hashes for tests; the app uses 12
        return configuration
    }

    func form(_ text: String) -> (HTTPFields, ByteBuffer) {
        ([.contentType: "application/x-www-form-urlencoded"], ByteBuffer(string: text))
    }

    func object(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }

    func login(_ client: some TestClientProtocol, _ body: String) async throws -> TestResponse {
        let (headers, buffer) = form(body)
        return try await client.execute(uri: "/token", method: .post, headers: headers, body: buffer)
    }

    @Test func johnLogsInAndReadsHimselfAndHisItems() async throws {
        let app = try await buildTutorialApplication(configuration: Self.configuration())
        try await app.test(.router) { client in
            let response = try await login(client, "grant_type=password&username=johndoe&password=secret&scope=me+items")
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let body = object(response)
            #expect(body["token_type"] as? String == "bearer")
            #expect(body["scope"] as? String == "items me")
            #expect(body["expires_in"] as? Int == 1800)
            let token = try #require(body["access_token"] as? String)
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]

            for path in ["/users/me/", "/users/me"] {
                try await client.execute(uri: path, method: .get, headers: auth) { response in
                    #expect(response.status == .ok)
                    let user = object(response)
                    #expect(user["username"] as? String == "johndoe")
                    #expect(user["email"] as? String == "johndoe@example.com")
                    #expect(user["full_name"] as? String == "John Doe")
                    #expect(user["disabled"] as? Bool == false)
                    // The same bytes on every run (sorted members), as the README shows them.
                    #expect(String(buffer: response.body) == #"{"disabled":false,"email":"johndoe@example.com","full_name":"John Doe","username":"johndoe"}"#)
                }
            }
            for path in ["/users/me/items/", "/users/me/items"] {
                try await client.execute(uri: path, method: .get, headers: auth) { response in
                    #expect(response.status == .ok)
                    let items = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: String]]
                    #expect(items == [["item_id": "Foo", "owner": "johndoe"]])
                    #expect(String(buffer: response.body) == #"[{"item_id":"Foo","owner":"johndoe"}]"#)
                }
            }
            for path in ["/status/", "/status"] {
                try await client.execute(uri: path, method: .get, headers: auth) { response in
                    #expect(response.status == .ok)
                    #expect(object(response)["status"] as? String == "ok")
                }
            }
        }
    }

    @Test func aTokenCarriesOnlyTheScopesRequested() async throws {
        let app = try await buildTutorialApplication(configuration: Self.configuration())
        try await app.test(.router) { client in
            let response = try await login(client, "grant_type=password&username=johndoe&password=secret&scope=me")
            let token = try #require(object(response)["access_token"] as? String)
            #expect(object(response)["scope"] as? String == "me")
            try await client.execute(uri: "/users/me/", method: .get, headers: [.authorization: "Bearer \(token)"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/users/me/items/", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope""#) == true)
                #expect(response.headers[.wwwAuthenticate]?.hasSuffix(#"scope="items me""#) == true)
            }
            // No scopes at all: only /status/ works.
            let bare = try #require(object(try await login(client, "grant_type=password&username=johndoe&password=secret"))["access_token"] as? String)
            try await client.execute(uri: "/status/", method: .get, headers: [.authorization: "Bearer \(bare)"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/users/me/", method: .get, headers: [.authorization: "Bearer \(bare)"]) { #expect($0.status == .forbidden) }
        }
    }

    @Test func badLoginsGetRFC6749Errors() async throws {
        let app = try await buildTutorialApplication(configuration: Self.configuration())
        try await app.test(.router) { client in
            let cases: [(String, String)] = [
                ("grant_type=password&username=johndoe&password=wrong", "invalid_grant"),
                ("grant_type=password&username=nobody&password=secret", "invalid_grant"),
                ("grant_type=password&username=alice&password=secretalice", "invalid_grant"),
                ("grant_type=password&username=johndoe&password=secret&scope=admin", "invalid_scope"),
                ("grant_type=password&username=johndoe&password=secret&scope=me%20%20items", "invalid_scope"),
                ("grant_type=password&username=johndoe&password=secret&scope=me%22", "invalid_scope"),
                ("grant_type=client_credentials", "unsupported_grant_type"),
                ("username=johndoe&password=secret", "invalid_request"),
                ("grant_type=password&username=johndoe", "invalid_request"),
                ("grant_type=password&username=johndoe&password=secret&password=other", "invalid_request"),
                ("grant_type=password&username=johndoe&password=%ZZ", "invalid_request"),
            ]
            for (body, error) in cases {
                let response = try await login(client, body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(object(response)["error"] as? String == error, "\(body)")
                #expect(response.headers[.cacheControl] == "no-store")
            }
            // The same error for an unknown user and a wrong password: existence is not revealed.
            let unknown = object(try await login(client, "grant_type=password&username=nobody&password=x"))
            let wrong = object(try await login(client, "grant_type=password&username=johndoe&password=x"))
            #expect(unknown["error_description"] as? String == wrong["error_description"] as? String)
            // Issue 11: a disabled account with its right password answers the same, so the
            // answer does not confirm a guessed password.
            let disabled = object(try await login(client, "grant_type=password&username=alice&password=secretalice"))
            #expect(disabled["error_description"] as? String == wrong["error_description"] as? String)

            try await client.execute(uri: "/token", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .badRequest)
                #expect(object(response)["error"] as? String == "invalid_request")
            }
            let (headers, _) = form("")
            try await client.execute(uri: "/token", method: .post, headers: headers, body: ByteBuffer(repeating: UInt8(ascii: "a"), count: 100_000)) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    /// Issue 11: a client's own token (client credentials, `sub` = `client_id`) for a client
    /// named like a user does not pass as that user.
    @Test func aClientNamedLikeAUserIsNotThatUser() async throws {
        let key = await SigningKey.generateES256()
        let configuration = Self.configuration()
        let app = try await buildTutorialApplication(configuration: configuration, signingKey: key)
        let issuer = await TestTokenIssuer(issuer: configuration.resolvedIssuer, audience: configuration.audience, signingKey: key)
        let machine = try issuer.token(subject: "johndoe", scope: ["me", "items"], clientID: "johndoe")
        try await app.test(.router) { client in
            try await client.execute(uri: "/users/me/", method: .get, headers: [.authorization: "Bearer \(machine)"]) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("johndoe@example.com"))
            }
        }
    }

    @Test func aDisabledUsersTokenNeverReturnsTheirData() async throws {
        let key = await SigningKey.generateES256()
        let configuration = Self.configuration()
        let app = try await buildTutorialApplication(configuration: configuration, signingKey: key)
        // A token for alice minted with the app's own key (as if issued before she was disabled).
        let issuer = await TestTokenIssuer(issuer: configuration.resolvedIssuer, audience: configuration.audience, signingKey: key)
        let token = try issuer.token(subject: "alice", scope: ["me", "items"])
        try await app.test(.router) { client in
            for path in ["/users/me/", "/users/me/items/"] {
                try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                    #expect(response.status == .forbidden)
                    #expect(object(response)["error"] as? String == "access_denied")
                    #expect(!String(buffer: response.body).contains("alicechains"))
                }
            }
        }
    }

    @Test func protectedRoutesRefuseMissingAndForgedTokens() async throws {
        let app = try await buildTutorialApplication(configuration: Self.configuration())
        let forger = await TestTokenIssuer(issuer: Self.configuration().resolvedIssuer, audience: "scopes-tutorial")
        let forged = try forger.token(subject: "johndoe", scope: ["me", "items"])
        try await app.test(.router) { client in
            try await client.execute(uri: "/users/me/", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="scopes-tutorial", scope="me""#)
            }
            try await client.execute(uri: "/status/", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="scopes-tutorial""#)
            }
            try await client.execute(uri: "/users/me/items/", method: .get, headers: [.authorization: "Bearer \(forged)"]) { response in
                #expect(response.status == .unauthorized)
                #expect(object(response)["error"] as? String == "invalid_token")
            }
        }
    }

    @Test func openAPIDescribesTheTutorial() async throws {
        let app = try await buildTutorialApplication(configuration: Self.configuration())
        try await app.test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                let document = object(response)
                let paths = document["paths"] as? [String: [String: [String: Any]]] ?? [:]
                #expect(paths["/users/me"]?["get"]?["security"] as? [[String: [String]]] == [["oauth2": ["me"]]])
                #expect(paths["/users/me/items"]?["get"]?["security"] as? [[String: [String]]] == [["oauth2": ["items", "me"]]])
                #expect(paths["/status"]?["get"]?["security"] as? [[String: [String]]] == [["oauth2": []]])
                #expect(paths["/token"]?["post"] != nil)
                let flows = ((document["components"] as? [String: Any])?["securitySchemes"] as? [String: [String: Any]])?["oauth2"]?["flows"] as? [String: [String: Any]]
                #expect(flows?["password"]?["tokenUrl"] as? String == "/token")
                #expect(flows?["password"]?["scopes"] as? [String: String] == ["me": "Read information about the current user.", "items": "Read items."])
            }
        }
    }

    @Test func theWholeFlowOverARealSocket() async throws {
        let app = try await buildTutorialApplication(configuration: Self.configuration())
        try await app.test(.live) { client in
            let response = try await login(client, "grant_type=password&username=johndoe&password=secret&scope=me items")
            let token = try #require(object(response)["access_token"] as? String)
            try await client.execute(uri: "/users/me/items/", method: .get, headers: [.authorization: "Bearer \(token)"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/users/me/items/", method: .get, headers: [.authorization: "Bearer \(token)x"]) { #expect($0.status == .unauthorized) }
        }
    }
}
