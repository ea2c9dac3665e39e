import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import NIOCore
import Testing
import WardenClient
import WardenCore
import WardenHummingbird
import WardenOpenAPI
import WardenTesting

typealias TestContext = BasicAuthRequestContext<VerifiedAccessToken>

/// A small service protected the way a user would protect theirs.
func makeService(
    issuer: TestTokenIssuer,
    configuration: BearerAuthenticatorConfiguration = .init(realm: "test"),
    revocations: RevocationList = RevocationList()
) -> (some ApplicationProtocol, OpenAPIRouteRegistry) {
    let router = Router(context: TestContext.self)
    let registry = OpenAPIRouteRegistry()
    let authenticator = BearerAuthenticator(verifier: issuer.verifier(revocations: revocations), configuration: configuration, context: TestContext.self)

    let api = router.protected("api", by: authenticator, documentation: registry)
    api.get("status") { _, _, _ in "ok" }
    let me = api.group("users/me", requiring: .allOf("me"))
    me.get { _, _, auth in auth.subject }
    me.get("items", requiring: .allOf("items")) { _, _, auth in
        "required=\(auth.requiredScopes.mentionedScopes) granted=\(auth.grantedScopes)"
    }
    api.get("reports", requiring: .anyOf(.allOf("admin"), .allOf("reports.read", "me"))) { _, _, _ in "report" }
    api.post("submit", requiring: .allOf("me")) { _, _, _ in "submitted" }
    router.get("public") { _, _ in "public" }
    registry.addPublic(method: .get, path: "/public", summary: "No token needed")
    var builder = OpenAPIDocumentBuilder(title: "Test service", scopes: [("me", "Me."), ("items", "Items."), ("admin", "Admin."), ("reports.read", "Reports.")])
    builder.passwordTokenURL = "https://warden.test/oauth2/token"
    builder.clientCredentialsTokenURL = "https://warden.test/oauth2/token"
    router.addOpenAPIRoutes(builder: builder, registry: registry)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    return (app, registry)
}

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

func json(_ response: TestResponse) -> [String: String] {
    (try? JSONDecoder().decode([String: String].self, from: Data(response.body.readableBytesView))) ?? [:]
}

@Suite struct ProtectedRoutesTests {
    @Test func validTokenWithTheScopesReachesTheHandler() async throws {
        let issuer = await TestTokenIssuer()
        let token = try issuer.token(subject: "alice", scope: ["me", "items", "extra"])
        try await makeService(issuer: issuer).0.test(.router) { client in
            try await client.execute(uri: "/api/users/me", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "alice")
            }
            try await client.execute(uri: "/api/users/me/items", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "required=items me granted=extra items me")
            }
        }
    }

    @Test func noCredentialsIs401WithoutAnErrorCodeAndWithTheRouteScopes() async throws {
        let issuer = await TestTokenIssuer()
        try await makeService(issuer: issuer).0.test(.router) { client in
            try await client.execute(uri: "/api/users/me/items", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="test", scope="items me""#)
                #expect(json(response)["error"] == "unauthorized")
            }
            try await client.execute(uri: "/api/status", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="test""#)
            }
            // Another scheme is not a bearer credential.
            try await client.execute(uri: "/api/status", method: .get, headers: [.authorization: "Basic YTpi"]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="test""#)
            }
        }
    }

    @Test func aBadTokenIs401InvalidToken() async throws {
        let issuer = await TestTokenIssuer()
        let other = await TestTokenIssuer()
        let revocations = RevocationList()
        let revoked = try issuer.token(scope: ["me"])
        let verified = try await issuer.verifier().verify(revoked)
        revocations.revoke(tokenID: verified.tokenID, expiresAt: verified.claims.expiresAt)
        let bad = [
            "abc.def.ghi",
            try other.token(scope: ["me"]),                                        // forged: someone else's key
            try issuer.token(scope: ["me"], lifetime: .seconds(1), now: Date().addingTimeInterval(-3600)),  // expired
            try issuer.token(scope: ["me"]) { $0.audience = ["payment-service"] },  // wrong audience
            try issuer.token(scope: ["me"]) { $0.issuer = "https://evil.test" },    // wrong issuer
            revoked,
            String(repeating: "a", count: 20_000),                                  // oversized
        ]
        try await makeService(issuer: issuer, revocations: revocations).0.test(.router) { client in
            for token in bad {
                try await client.execute(uri: "/api/users/me", method: .get, headers: bearer(token)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="test", error="invalid_token", error_description="The access token is invalid.""#)
                    #expect(json(response) == ["error": "invalid_token", "error_description": "The access token is invalid."])
                }
            }
        }
    }

    @Test func missingScopesAre403NamingEveryRequiredScope() async throws {
        let issuer = await TestTokenIssuer()
        try await makeService(issuer: issuer).0.test(.router) { client in
            for granted: ScopeSet in [[], ["me"], ["items"]] {
                try await client.execute(uri: "/api/users/me/items/", method: .get, headers: bearer(try issuer.token(scope: granted))) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="test", error="insufficient_scope", error_description="The access token does not grant the scopes this resource requires.", scope="items me""#)
                    #expect(json(response)["error"] == "insufficient_scope")
                }
            }
        }
    }

    @Test func anyOfRequirementsAcceptEitherAlternative() async throws {
        let issuer = await TestTokenIssuer()
        try await makeService(issuer: issuer).0.test(.router) { client in
            let cases: [(ScopeSet, HTTPResponse.Status)] = [(["admin"], .ok), (["reports.read", "me"], .ok), (["reports.read"], .forbidden)]
            for (granted, status) in cases {
                try await client.execute(uri: "/api/reports", method: .get, headers: bearer(try issuer.token(scope: granted))) { response in
                    #expect(response.status == status)
                    if status == .forbidden {
                        #expect(response.headers[.wwwAuthenticate]?.hasSuffix(#"scope="admin me reports.read""#) == true)
                    }
                }
            }
        }
    }

    @Test func theSchemeIsCaseInsensitive() async throws {
        let issuer = await TestTokenIssuer()
        let token = try issuer.token()
        try await makeService(issuer: issuer).0.test(.router) { client in
            for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
                try await client.execute(uri: "/api/status", method: .get, headers: [.authorization: "\(scheme) \(token)"]) { response in
                    #expect(response.status == .ok)
                }
            }
        }
    }

    @Test func malformedOrDuplicatedCredentialsAre400InvalidRequest() async throws {
        let issuer = await TestTokenIssuer()
        let token = try issuer.token()
        try await makeService(issuer: issuer).0.test(.router) { client in
            var twoHeaders = HTTPFields()
            twoHeaders.append(HTTPField(name: .authorization, value: "Bearer \(token)"))
            twoHeaders.append(HTTPField(name: .authorization, value: "Bearer \(token)"))
            let cases: [(String, HTTPFields)] = [
                ("/api/status", twoHeaders),
                ("/api/status?access_token=\(token)", bearer(token)),        // header + query
                ("/api/status?access_token=\(token)", [:]),                  // query not enabled
                ("/api/status", [.authorization: "Bearer"]),
                ("/api/status", [.authorization: "Bearer "]),
                ("/api/status", [.authorization: "Bearer a b"]),
                ("/api/status", [.authorization: "Bearer tok\"en"]),
                ("/api/status", [.authorization: "Bearer ab=c"]),
            ]
            for (uri, headers) in cases {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == .badRequest, "\(uri) \(headers)")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix(#"Bearer realm="test", error="invalid_request""#) == true)
                    #expect(json(response)["error"] == "invalid_request")
                }
            }
        }
    }

    /// A Bearer token's syntax is checked only when the verifier's cache does not answer for its
    /// bytes (issue 16): anything around or inside a cached token is refused as before — 400 for
    /// no b64token (before the size cap), 401 for a b64token that is no token — and the cached
    /// token still passes, on GET and HEAD.
    @Test func aCachedTokenWithAnythingAroundItIsRefusedAsBefore() async throws {
        let issuer = await TestTokenIssuer()
        let token = try issuer.token()
        try await makeService(issuer: issuer).0.test(.router) { client in
            try await client.execute(uri: "/api/status", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .ok)
            }
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("Bearer \(token) x", .badRequest, "invalid_request"),
                ("Bearer \(token)!", .badRequest, "invalid_request"),
                ("Bearer !\(token)", .badRequest, "invalid_request"),
                ("Bearer \(token)\"", .badRequest, "invalid_request"),
                ("Bearer \(token)=a", .badRequest, "invalid_request"),
                ("Bearer " + String(repeating: "!", count: 9000), .badRequest, "invalid_request"),
                ("Bearer " + String(repeating: "a", count: 9000), .unauthorized, "invalid_token"),
                ("Bearer \(token)=", .unauthorized, "invalid_token"),
                ("Bearer \(token).", .unauthorized, "invalid_token"),
                ("Bearer \(token.dropLast())", .unauthorized, "invalid_token"),
                ("Bearer \(token)", .ok, ""),
                ("bEaReR   \(token)  ", .ok, ""),
            ]
            for (header, status, error) in cases {
                for method in [HTTPRequest.Method.get, .head] {
                    try await client.execute(uri: "/api/status", method: method, headers: [.authorization: header]) { response in
                        #expect(response.status == status, "\(method) \(header.prefix(80))")
                        if !error.isEmpty {
                            #expect(response.headers[.wwwAuthenticate]?.contains("error=\"\(error)\"") == true, "\(method) \(header.prefix(80))")
                        }
                    }
                }
            }
        }
    }

    @Test func queryAndFormTokensWorkOnlyWhenEnabled() async throws {
        let issuer = await TestTokenIssuer()
        let token = try issuer.token(scope: ["me"])
        var configuration = BearerAuthenticatorConfiguration(realm: "test")
        configuration.allowsQueryToken = true
        configuration.allowsFormBodyToken = true
        try await makeService(issuer: issuer, configuration: configuration).0.test(.router) { client in
            try await client.execute(uri: "/api/status?access_token=\(token)", method: .get) { response in
                #expect(response.status == .ok)
            }
            let form = ByteBuffer(string: "access_token=\(token)&other=1")
            try await client.execute(uri: "/api/submit", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: form) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "submitted")
            }
            var headers = bearer(token)
            headers[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(uri: "/api/submit", method: .post, headers: headers, body: form) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/status?access_token=\(token)&access_token=\(token)", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
        // Disabled (the default): a form token is not a credential at all.
        try await makeService(issuer: issuer).0.test(.router) { client in
            let form = ByteBuffer(string: "access_token=\(token)")
            try await client.execute(uri: "/api/submit", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: form) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func publicRoutesNeedNoToken() async throws {
        let issuer = await TestTokenIssuer()
        try await makeService(issuer: issuer).0.test(.router) { client in
            try await client.execute(uri: "/public", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func unreachableKeysAre503NotAnInvalidToken() async throws {
        let issuer = await TestTokenIssuer()
        let router = Router(context: TestContext.self)
        var jwks = RemoteJWKSConfiguration()
        jwks.requestTimeout = .milliseconds(500)
        let keys = RemoteJWKSKeySet(url: "http://127.0.0.1:1/jwks", configuration: jwks)
        let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: keys)
        let authenticator = BearerAuthenticator(verifier: verifier, context: TestContext.self)
        router.protected(by: authenticator).get("status") { _, _, _ in "ok" }
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/status", method: .get, headers: bearer(try issuer.token())) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(json(response)["error"] == "temporarily_unavailable")
            }
        }
    }

    @Test func everyRowOfTheErrorTableOverARealSocket() async throws {
        let issuer = await TestTokenIssuer()
        try await makeService(issuer: issuer).0.test(.live) { client in
            try await client.execute(uri: "/api/users/me/items", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/users/me/items", method: .get, headers: bearer("x.y.z")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            }
            try await client.execute(uri: "/api/users/me/items", method: .get, headers: bearer(try issuer.token(scope: ["me"]))) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.wwwAuthenticate]?.hasSuffix(#"scope="items me""#) == true)
            }
            try await client.execute(uri: "/api/users/me/items?access_token=x", method: .get, headers: bearer("x")) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/users/me/items", method: .get, headers: bearer(try issuer.token(scope: ["me", "items"]))) { #expect($0.status == .ok) }
        }
    }
}
