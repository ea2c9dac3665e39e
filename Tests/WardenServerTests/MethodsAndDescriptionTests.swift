import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import WardenServer

/// RFC 9110 on methods: a method a path does not have is `405` with `Allow` (§15.5.6), `OPTIONS`
/// names the methods, `HEAD` answers wherever `GET` does (§9.3.2); and the OpenAPI document
/// describes every operation's statuses (issue 11). schemathesis checks the rest in CI.
@Suite struct MethodsAndDescriptionTests {
    static func send(_ server: TestServer, _ method: HTTPMethod, _ path: String) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: server.baseURL + path)
        request.method = method
        return try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    }

    @Test func aMethodAPathDoesNotHaveIs405WithAllow() async throws {
        try await TestServer.run { server in
            let wrong = try await Self.send(server, .DELETE, "/oauth2/token")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers.first(name: "Allow") == "OPTIONS, POST")
            let body = try await wrong.body.collect(upTo: 4096)
            #expect(String(buffer: body).contains("\"error\":\"invalid_request\""))
            let put = try await Self.send(server, .PUT, "/oauth2/authorize")
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers.first(name: "Allow") == "GET, HEAD, OPTIONS, POST")
            let options = try await Self.send(server, .OPTIONS, "/oauth2/jwks")
            #expect(options.status == .noContent)
            #expect(options.headers.first(name: "Allow") == "GET, HEAD, OPTIONS")
            // A path the server does not have stays 404.
            #expect(try await Self.send(server, .DELETE, "/nowhere").status == .notFound)
        }
    }

    @Test func headAnswersWhereGetDoesWithoutABody() async throws {
        try await TestServer.run { server in
            let head = try await Self.send(server, .HEAD, "/oauth2/jwks")
            #expect(head.status == .ok)
            #expect(head.headers.first(name: "Content-Type") == "application/jwk-set+json")
            let body = try await head.body.collect(upTo: 4096)
            #expect(body.readableBytes == 0)
            #expect(try await Self.send(server, .HEAD, "/health").status == .ok)
        }
    }

    @Test func everyOperationDocumentsItsErrorsWithTheOAuthSchema() async throws {
        try await TestServer.run { server in
            let document = try await server.get("/openapi.json").json
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let token = try #require(paths["/oauth2/token"]?["post"] as? [String: Any])
            let responses = try #require(token["responses"] as? [String: Any])
            #expect(Set(responses.keys) == ["200", "400", "401", "503"])
            let form = try #require(((token["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/x-www-form-urlencoded"] as? [String: Any])
            let grantType = ((form["schema"] as? [String: Any])?["properties"] as? [String: Any])?["grant_type"] as? [String: Any]
            #expect((grantType?["enum"] as? [String])?.contains("urn:ietf:params:oauth:grant-type:token-exchange") == true)
            let authorize = try #require(paths["/oauth2/authorize"]?["post"] as? [String: Any])
            #expect(Set((authorize["responses"] as? [String: Any])?.keys ?? [:].keys) == ["200", "303", "400", "403", "413", "415", "503"])
            let revocations = try #require(paths["/oauth2/revocations"]?["get"] as? [String: Any])
            #expect((revocations["responses"] as? [String: Any])?["503"] != nil)
        }
    }
}
