import Foundation
import Testing
import WardenCore
import WardenServer

/// Metadata, JWKS, health and metrics.
@Suite struct OperationalEndpointTests {
    static let report = ("report-service", TestServer.reportSecret)

    @Test func theMetadataDocumentListsEveryEndpointAndCapability() async throws {
        // The scopes are seeded after the server read its (empty) list at start; with a record
        // cache lifetime the list is reread in the background and served from memory (a node cut
        // off from its database still describes itself), so read it through here.
        try await TestServer.run(configure: { $0.recordCacheLifetime = .zero }) { server in
            let reply = try await server.get("/.well-known/oauth-authorization-server")
            #expect(reply.status == 200)
            let json = reply.json
            #expect(json["issuer"] as? String == "http://warden.test")
            for (key, path) in [("token_endpoint", "/oauth2/token"), ("jwks_uri", "/oauth2/jwks"), ("introspection_endpoint", "/oauth2/introspect"),
                                ("revocation_endpoint", "/oauth2/revoke"), ("authorization_endpoint", "/oauth2/authorize")] {
                #expect(json[key] as? String == "http://warden.test" + path)
            }
            #expect(Set(json["grant_types_supported"] as? [String] ?? []) == Set(GrantType.supported.map(\.rawValue)))
            #expect(json["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(json["response_types_supported"] as? [String] == ["code"])
            #expect(Set(json["scopes_supported"] as? [String] ?? []) == ["order.read", "order.write", "payment.create", "ledger.write", "report.read"])
        }
    }

    @Test func theJWKSCarriesCacheHeadersAndOnlyPublicKeyMaterial() async throws {
        try await TestServer.run { server in
            let reply = try await server.get("/oauth2/jwks")
            #expect(reply.header("Cache-Control") == "public, max-age=300")
            #expect(reply.header("Content-Type") == "application/jwk-set+json")
            let keys = try #require(reply.json["keys"] as? [[String: Any]])
            #expect(keys.count == 1)
            #expect(keys[0]["d"] == nil)
            #expect(keys[0]["alg"] as? String == "ES256")
            #expect(keys[0]["use"] as? String == "sig")
        }
    }

    @Test func healthAndMetrics() async throws {
        try await TestServer.run { server in
            #expect(try await server.get("/health").json["status"] as? String == "ok")
            _ = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report)
            _ = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("report-service", "nope-nope-nope-nope"))
            let metrics = try await server.get("/metrics")
            #expect(metrics.status == 200)
            let text = String(decoding: metrics.body, as: UTF8.self)
            #expect(text.contains(#"warden_tokens_issued{grant="client_credentials"} 1"#))
            #expect(text.contains(#"warden_oauth_errors{error="invalid_client"} 1"#))
            #expect(text.contains(#"warden_http_request_duration_count{route="/oauth2/token",method="POST",status="200"} 1"#))
            // Nothing secret in the labels.
            #expect(!text.contains("report-service"))
        }
    }

    @Test func theServerDescribesItselfInOpenAPI() async throws {
        try await TestServer.run { server in
            let reply = try await server.get("/openapi.json")
            #expect(reply.status == 200)
            let json = reply.json
            #expect((json["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = try #require(json["paths"] as? [String: Any])
            for path in ["/oauth2/token", "/oauth2/jwks", "/oauth2/introspect", "/oauth2/revoke", "/oauth2/authorize", "/oauth2/revocations", "/.well-known/oauth-authorization-server", "/health", "/metrics"] {
                #expect(paths[path] != nil, "\(path)")
            }
            let schemes = (json["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
            let flows = (schemes?["oauth2"] as? [String: Any])?["flows"] as? [String: Any]
            #expect(flows?["clientCredentials"] != nil)
            #expect(flows?["authorizationCode"] != nil)
            #expect(try await server.get("/docs").status == 200)
        }
    }

    @Test func unknownPathsAndMethodsAreNotServerErrors() async throws {
        try await TestServer.run { server in
            #expect(try await server.get("/oauth2/nothing").status == 404)
            let wrongMethod = try await server.get("/oauth2/token")
            #expect(wrongMethod.status < 500)
        }
    }
}
