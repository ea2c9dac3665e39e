import Foundation
import NIOHTTP1
import ScopesTutorialCore
import ScopesTutorialTesting
import Testing
import WardenCore
import WardenTesting

/// The tutorial app, both builds (Hummingbird and Vapor, ``TutorialBuild``), driven over a real
/// socket: every test runs against each, with the same requests and the same expectations.
@Suite struct ScopesTutorialTests {
    static func configuration() -> TutorialConfiguration {
        var configuration = TutorialConfiguration()
        configuration.port = 0
        configuration.bcryptCost = 4  // fast hashes for tests; the app uses 12
        return configuration
    }

    @Test(arguments: TutorialBuild.allCases)
    func johnLogsInAndReadsHimselfAndHisItems(_ build: TutorialBuild) async throws {
        try await build.withRunningApp(configuration: Self.configuration()) { client in
            let response = try await client.login("grant_type=password&username=johndoe&password=secret&scope=me+items")
            #expect(response.status == .ok)
            #expect(response.header("Cache-Control") == "no-store")
            let body = response.object
            #expect(body["token_type"] as? String == "bearer")
            #expect(body["scope"] as? String == "items me")
            #expect(body["expires_in"] as? Int == 1800)
            let token = try #require(body["access_token"] as? String)

            for path in ["/users/me/", "/users/me"] {
                let response = try await client.get(path, token: token)
                #expect(response.status == .ok)
                let user = response.object
                #expect(user["username"] as? String == "johndoe")
                #expect(user["email"] as? String == "johndoe@example.com")
                #expect(user["full_name"] as? String == "John Doe")
                #expect(user["disabled"] as? Bool == false)
                // The same bytes on every run (sorted members), as the README shows them.
                #expect(response.text == #"{"disabled":false,"email":"johndoe@example.com","full_name":"John Doe","username":"johndoe"}"#)
            }
            for path in ["/users/me/items/", "/users/me/items"] {
                let response = try await client.get(path, token: token)
                #expect(response.status == .ok)
                let items = try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: String]]
                #expect(items == [["item_id": "Foo", "owner": "johndoe"]])
                #expect(response.text == #"[{"item_id":"Foo","owner":"johndoe"}]"#)
            }
            for path in ["/status/", "/status"] {
                let response = try await client.get(path, token: token)
                #expect(response.status == .ok)
                #expect(response.object["status"] as? String == "ok")
            }
            #expect(try await client.get("/users/me/items/", token: token + "x").status == .unauthorized)
        }
    }

    @Test(arguments: TutorialBuild.allCases)
    func aTokenCarriesOnlyTheScopesRequested(_ build: TutorialBuild) async throws {
        try await build.withRunningApp(configuration: Self.configuration()) { client in
            let response = try await client.login("grant_type=password&username=johndoe&password=secret&scope=me")
            let token = try #require(response.object["access_token"] as? String)
            #expect(response.object["scope"] as? String == "me")
            #expect(try await client.get("/users/me/", token: token).status == .ok)
            let items = try await client.get("/users/me/items/", token: token)
            #expect(items.status == .forbidden)
            #expect(items.header("WWW-Authenticate")?.contains(#"error="insufficient_scope""#) == true)
            #expect(items.header("WWW-Authenticate")?.hasSuffix(#"scope="items me""#) == true)
            // No scopes at all: only /status/ works.
            let bare = try #require(try await client.login("grant_type=password&username=johndoe&password=secret").object["access_token"] as? String)
            #expect(try await client.get("/status/", token: bare).status == .ok)
            #expect(try await client.get("/users/me/", token: bare).status == .forbidden)
        }
    }

    @Test(arguments: TutorialBuild.allCases)
    func badLoginsGetRFC6749Errors(_ build: TutorialBuild) async throws {
        try await build.withRunningApp(configuration: Self.configuration()) { client in
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
                let response = try await client.login(body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.object["error"] as? String == error, "\(body)")
                #expect(response.header("Cache-Control") == "no-store")
            }
            // The same error for an unknown user and a wrong password: existence is not revealed.
            let unknown = try await client.login("grant_type=password&username=nobody&password=x").object
            let wrong = try await client.login("grant_type=password&username=johndoe&password=x").object
            #expect(unknown["error_description"] as? String == wrong["error_description"] as? String)
            // Issue 11: a disabled account with its right password answers the same, so the
            // answer does not confirm a guessed password.
            let disabled = try await client.login("grant_type=password&username=alice&password=secretalice").object
            #expect(disabled["error_description"] as? String == wrong["error_description"] as? String)

            let json = try await client.execute("/token", method: .POST, headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
            #expect(json.status == .badRequest)
            #expect(json.object["error"] as? String == "invalid_request")
            let large = try await client.execute(
                "/token", method: .POST, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: [UInt8](repeating: UInt8(ascii: "a"), count: 100_000)
            )
            #expect(large.status == .badRequest)
        }
    }

    /// Issue 11: a client's own token (client credentials, `sub` = `client_id`) for a client
    /// named like a user does not pass as that user.
    @Test(arguments: TutorialBuild.allCases)
    func aClientNamedLikeAUserIsNotThatUser(_ build: TutorialBuild) async throws {
        let key = await SigningKey.generateES256()
        let configuration = Self.configuration()
        let issuer = await TestTokenIssuer(issuer: configuration.resolvedIssuer, audience: configuration.audience, signingKey: key)
        let machine = try issuer.token(subject: "johndoe", scope: ["me", "items"], clientID: "johndoe")
        try await build.withRunningApp(configuration: configuration, signingKey: key) { client in
            let response = try await client.get("/users/me/", token: machine)
            #expect(response.status == .forbidden)
            #expect(!response.text.contains("johndoe@example.com"))
        }
    }

    @Test(arguments: TutorialBuild.allCases)
    func aDisabledUsersTokenNeverReturnsTheirData(_ build: TutorialBuild) async throws {
        let key = await SigningKey.generateES256()
        let configuration = Self.configuration()
        // A token for alice minted with the app's own key (as if issued before she was disabled).
        let issuer = await TestTokenIssuer(issuer: configuration.resolvedIssuer, audience: configuration.audience, signingKey: key)
        let token = try issuer.token(subject: "alice", scope: ["me", "items"])
        try await build.withRunningApp(configuration: configuration, signingKey: key) { client in
            for path in ["/users/me/", "/users/me/items/"] {
                let response = try await client.get(path, token: token)
                #expect(response.status == .forbidden)
                #expect(response.object["error"] as? String == "access_denied")
                #expect(!response.text.contains("alicechains"))
            }
        }
    }

    @Test(arguments: TutorialBuild.allCases)
    func protectedRoutesRefuseMissingAndForgedTokens(_ build: TutorialBuild) async throws {
        let forger = await TestTokenIssuer(issuer: Self.configuration().resolvedIssuer, audience: "scopes-tutorial")
        let forged = try forger.token(subject: "johndoe", scope: ["me", "items"])
        try await build.withRunningApp(configuration: Self.configuration()) { client in
            let me = try await client.get("/users/me/")
            #expect(me.status == .unauthorized)
            #expect(me.header("WWW-Authenticate") == #"Bearer realm="scopes-tutorial", scope="me""#)
            let status = try await client.get("/status/")
            #expect(status.status == .unauthorized)
            #expect(status.header("WWW-Authenticate") == #"Bearer realm="scopes-tutorial""#)
            let items = try await client.get("/users/me/items/", token: forged)
            #expect(items.status == .unauthorized)
            #expect(items.object["error"] as? String == "invalid_token")
        }
    }

    @Test(arguments: TutorialBuild.allCases)
    func openAPIDescribesTheTutorial(_ build: TutorialBuild) async throws {
        try await build.withRunningApp(configuration: Self.configuration()) { client in
            let document = try await client.get("/openapi.json").object
            let paths = document["paths"] as? [String: [String: [String: Any]]] ?? [:]
            #expect(paths["/users/me"]?["get"]?["security"] as? [[String: [String]]] == [["oauth2": ["me"]]])
            #expect(paths["/users/me/items"]?["get"]?["security"] as? [[String: [String]]] == [["oauth2": ["items", "me"]]])
            #expect(paths["/status"]?["get"]?["security"] as? [[String: [String]]] == [["oauth2": []]])
            #expect(paths["/token"]?["post"] != nil)
            let flows = ((document["components"] as? [String: Any])?["securitySchemes"] as? [String: [String: Any]])?["oauth2"]?["flows"] as? [String: [String: Any]]
            #expect(flows?["password"]?["tokenUrl"] as? String == "/token")
            #expect(flows?["password"]?["scopes"] as? [String: String] == ["me": "Read information about the current user.", "items": "Read items."])
            #expect(try await client.get("/docs").header("Content-Security-Policy")?.contains("script-src") == true)
        }
    }

    /// The two builds answer the same: the same OpenAPI document byte for byte, the same
    /// challenges and bodies for the same refusals, the same reading of odd but valid requests
    /// (whitespace around the header's value, RFC 9110 §5.5; a percent-encoded parameter name).
    @Test func bothBuildsAnswerAlike() async throws {
        let key = await SigningKey.generateES256()
        let configuration = Self.configuration()
        let issuer = await TestTokenIssuer(issuer: configuration.resolvedIssuer, audience: configuration.audience, signingKey: key)
        let meOnly = try issuer.token(subject: "johndoe", scope: ["me"])
        let requests: [(path: String, authorization: String?)] = [
            ("/openapi.json", nil), ("/users/me", nil), ("/users/me/items", "Bearer \(meOnly)"), ("/users/me", "Bearer \(meOnly)"),
            ("/status", "Bearer not-a-jwt"), ("/status", "Bearer \(meOnly)"), ("/status", "Bearer \(meOnly)  \t"),
            ("/status", "bearer \(meOnly)"), ("/status", "Bearer "), ("/status", "Bearer"), ("/status", "Basic YTpi"),
            ("/status?access%5Ftoken=x", "Bearer \(meOnly)"), ("/status?access_token=\(meOnly)", nil),
        ]
        var answers: [TutorialBuild: [String]] = [:]
        for build in TutorialBuild.allCases {
            let collected = AnswerLog()
            try await build.withRunningApp(configuration: configuration, signingKey: key) { client in
                for request in requests {
                    let response = try await client.execute(request.path, headers: request.authorization.map { ["Authorization": $0] } ?? [:])
                    await collected.add("\(request.path) \(response.status.code) \(response.header("WWW-Authenticate") ?? "-") \(response.header("Content-Type") ?? "-") \(response.text)")
                }
            }
            answers[build] = await collected.lines
        }
        #expect(answers[.hummingbird] == answers[.vapor])
        #expect(answers[.hummingbird]?.count == requests.count)
        // Whitespace around the value is not part of it: the token passes.
        #expect(answers[.vapor]?[6].hasPrefix("/status 200") == true)
    }

    /// HEAD answers as GET does, without a body (RFC 9110 §9.3.2), on both builds.
    @Test(arguments: TutorialBuild.allCases)
    func headAnswersAsGetWithoutABody(_ build: TutorialBuild) async throws {
        let key = await SigningKey.generateES256()
        let configuration = Self.configuration()
        let issuer = await TestTokenIssuer(issuer: configuration.resolvedIssuer, audience: configuration.audience, signingKey: key)
        let meOnly = try issuer.token(subject: "johndoe", scope: ["me"])
        try await build.withRunningApp(configuration: configuration, signingKey: key) { client in
            for (path, token) in [("/users/me", nil), ("/users/me", meOnly), ("/users/me/items", meOnly), ("/status", "x")] as [(String, String?)] {
                let headers: HTTPHeaders = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
                let get = try await client.execute(path, headers: headers)
                let head = try await client.execute(path, method: .HEAD, headers: headers)
                #expect(head.status == get.status, "\(path)")
                #expect(head.header("WWW-Authenticate") == get.header("WWW-Authenticate"), "\(path)")
                #expect(head.body.isEmpty, "\(path)")
            }
        }
    }

    /// The token endpoint reads at most 16 KiB on both builds, whichever way the bytes come:
    /// exactly the limit is read (and answered by the grant), one byte more is refused.
    @Test(arguments: TutorialBuild.allCases)
    func theTokenEndpointsBodyLimitIsExact(_ build: TutorialBuild) async throws {
        try await build.withRunningApp(configuration: Self.configuration()) { client in
            let form = "grant_type=password&username=johndoe&password=wrong&pad="
            let limit = ScopesTutorialService.maximumTokenRequestSize
            let exactly = form + String(repeating: "a", count: limit - form.utf8.count)
            let atTheLimit = try await client.login(exactly)
            #expect(atTheLimit.object["error"] as? String == "invalid_grant")
            let over = try await client.login(exactly + "a")
            #expect(over.status == .badRequest)
            #expect(over.object["error_description"] as? String == "The request body is too large.")
        }
    }
}

/// Answers collected inside a `@Sendable` test body.
actor AnswerLog {
    private(set) var lines: [String] = []
    func add(_ line: String) { lines.append(line) }
}
