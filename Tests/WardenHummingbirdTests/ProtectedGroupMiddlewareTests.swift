import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import NIOCore
import Testing
import WardenCore
import WardenHummingbird
import WardenTesting

/// Protected routes verify their token in the route itself (issue 16: no middleware layer on the
/// usual path). Middleware added to a protected group must still run after the token is verified
/// and see the identity — and the token (and its DPoP proof) must be checked once, however the
/// groups nest, or a proof would be refused as replayed.
@Suite struct ProtectedGroupMiddlewareTests {
    /// Answers `x-seen-subject` with the identity the middleware saw (or `none`).
    struct SeesIdentity: RouterMiddleware {
        typealias Context = TestContext
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            var response = try await next(request, context)
            response.headers[HTTPField.Name("x-seen-subject")!] = context.identity?.subject ?? "none"
            return response
        }
    }

    static let base = "https://api.example.com"

    func service(issuer: TestTokenIssuer) -> some ApplicationProtocol {
        var configuration = BearerAuthenticatorConfiguration(realm: "test")
        configuration.dpop = DPoPAcceptance(externalBaseURL: Self.base + "/")
        let router = Router(context: TestContext.self)
        let api = router.protected("api", by: BearerAuthenticator(verifier: issuer.verifier(), configuration: configuration, context: TestContext.self))
        // Added before any middleware: verified in the route.
        api.get("before") { _, _, auth in auth.subject }
        // A nested group made before the middleware, its route added after it.
        let nestedEarly = api.group("early")
        // A nested group that adds middleware before its enclosing group does: both place the
        // authenticator, and a request is still verified once.
        let first = api.group("first")
        first.add(middleware: SeesIdentity())
        api.add(middleware: SeesIdentity())
        api.get("after") { _, _, auth in auth.subject }
        nestedEarly.get("route") { _, _, auth in auth.subject }
        first.get("route") { _, _, auth in auth.subject }
        // A nested group with middleware of its own: the authenticator is not placed twice.
        let nested = api.group("nested", requiring: .allOf("me"))
        nested.add(middleware: SeesIdentity())
        nested.get("route") { _, _, auth -> Response in
            // The incoming token is there for calls to other services (HEAD too: a header).
            let incoming = IncomingAccessToken.current?.verified.subject ?? "none"
            return Response(
                status: .ok, headers: [HTTPField.Name("x-incoming")!: incoming],
                body: .init(byteBuffer: ByteBuffer(string: "\(auth.subject) \(incoming)"))
            )
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func groupMiddlewareSeesTheIdentityAndTokensAreCheckedOnce() async throws {
        let issuer = await TestTokenIssuer()
        let key = await DPoPProofSigner.generateES256()
        let bound = try issuer.token(subject: "carol", scope: ["me"]) { $0.keyThumbprint = key.thumbprint }
        let plain = try issuer.token(subject: "alice", scope: ["me"])
        try await service(issuer: issuer).test(.router) { client in
            for (path, seen) in [("/api/before", nil), ("/api/after", "alice"), ("/api/early/route", "alice"), ("/api/first/route", "alice"), ("/api/nested/route", "alice")] {
                try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(plain)"]) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[HTTPField.Name("x-seen-subject")!] == seen, "\(path)")
                }
                // A DPoP proof is checked once: a second check would find it replayed.
                let proof = try key.proof(method: "GET", uri: Self.base + path, accessToken: bound)
                var fields: HTTPFields = [.authorization: "DPoP \(bound)"]
                fields.append(HTTPField(name: HTTPField.Name("DPoP")!, value: proof))
                try await client.execute(uri: path, method: .get, headers: fields) { response in
                    #expect(response.status == .ok, "\(path) with DPoP")
                    #expect(response.headers[HTTPField.Name("x-seen-subject")!] == seen.map { _ in "carol" }, "\(path) with DPoP")
                }
                // Without a token: 401 wherever the check happens, the middleware seeing no one.
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path) without a token")
                }
            }
            try await client.execute(uri: "/api/nested/route", method: .get, headers: [.authorization: "Bearer \(plain)"]) { response in
                #expect(String(buffer: response.body) == "alice alice")
            }
            try await client.execute(uri: "/api/nested/route", method: .head, headers: [.authorization: "Bearer \(plain)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("x-incoming")!] == "alice")
            }
        }
    }
}
