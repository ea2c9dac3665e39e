import Foundation
import Testing
import Vapor
import VaporTesting
import WardenCore
import WardenTesting
import WardenVapor

/// The Vapor adapter gives the answers WardenHummingbird gives, byte for byte: the same routes
/// (scopes adding up through groups), the same RFC 6750 statuses, challenges and bodies.
@Suite struct ProtectedVaporRoutesTests {
    static func withOrders(_ test: (Application, TestTokenIssuer) async throws -> Void) async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
        try await withApp(configure: { app in
            let bearer = BearerMiddleware(verifier: issuer.verifier(), configuration: .init(realm: "orders"))
            let orders = app.protected(by: bearer, requiring: .allOf("order.read")).grouped("orders")
            orders.get(":id") { request, auth in "order \(request.parameters.get("id") ?? "") for \(auth.subject)" }
            orders.post(requiring: .allOf("order.write")) { _, auth in "created for \(auth.subject), needing \(auth.requiredScopes)" }
            // A handler's own finer check refuses as RFC 6750 says, not with Vapor's 500.
            orders.get("audit") { _, _ -> String in
                throw BearerRefusal.insufficientScope(realm: "orders", scope: ["order.audit", "order.read"])
            }
            // A body, read only once the token and scopes have passed (issue 15).
            orders.post("notes", requiring: .allOf("order.write")) { request, _ in request.body.string ?? "" }
            // Who is calling, as the next hop would see it.
            orders.get("incoming", "token") { _, _ in IncomingAccessToken.current?.verified.tokenID ?? "none" }
            // The token as the next hop is given it (a test's route: never answer a token).
            orders.get("incoming", "raw") { _, _ in IncomingAccessToken.current?.rawValue ?? "none" }
        }) { app in try await test(app, issuer) }
    }

    static func bearer(_ token: String) -> HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    /// A refusal names the route as registered — its groups' path and its method — as on
    /// Hummingbird (issue 14: the permission audit tells `GET` from `DELETE` on one path).
    @Test func aRefusalNamesTheWholeRouteAndItsMethod() async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
        let refusals = RecordedRefusals()
        try await withApp(configure: { app in
            var configuration = BearerAuthenticatorConfiguration(realm: "orders")
            configuration.refusals = refusals
            let orders = app.protected(by: BearerMiddleware(verifier: issuer.verifier(), configuration: configuration), requiring: .allOf("order.read")).grouped("orders")
            orders.delete(":id", requiring: .allOf("order.admin")) { _, _ in "gone" }
        }) { app in
            let token = try issuer.token(subject: "alice", scope: ["order.read"])
            try await app.testing().test(.DELETE, "orders/7", headers: Self.bearer(token)) { response in
                #expect(response.status == .forbidden)
            }
        }
        #expect(refusals.all.map(\.route) == ["DELETE /orders/{id}"])
        #expect(refusals.all.first?.requiredScopes == ["order.admin", "order.read"])
    }

    @Test func scopesAddUpAndEachRefusalIsRFC6750() async throws {
        try await Self.withOrders { app, issuer in
            let reader = try issuer.token(subject: "alice", scope: ["order.read"])
            let writer = try issuer.token(subject: "alice", scope: ["order.read", "order.write"])
            let tester = try app.testing()
            try await tester.test(.GET, "orders/7", headers: Self.bearer(reader)) { response in
                #expect(response.status == .ok)
                #expect(response.body.string == "order 7 for alice")
            }
            // Needs order.read (the group) + order.write (the route): 403 names both.
            try await tester.test(.POST, "orders", headers: Self.bearer(reader)) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers.first(name: "WWW-Authenticate") == #"Bearer realm="orders", error="insufficient_scope", error_description="The access token does not grant the scopes this resource requires.", scope="order.read order.write""#)
                #expect(response.headers.first(name: "Cache-Control") == "no-store")
                #expect(response.body.string == #"{"error":"insufficient_scope","error_description":"The access token does not grant the scopes this resource requires."}"#)
            }
            try await tester.test(.POST, "orders", headers: Self.bearer(writer)) { response in
                #expect(response.status == .ok)
                #expect(response.body.string == "created for alice, needing order.read order.write")
            }
            // No credentials: 401 with the scopes the route needs, no error code.
            try await tester.test(.GET, "orders/7") { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers.first(name: "WWW-Authenticate") == #"Bearer realm="orders", scope="order.read""#)
            }
            // Forged, expired, for another audience: 401 invalid_token, the same words.
            let other = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
            let expired = try issuer.token(subject: "alice", scope: ["order.read"], now: Date().addingTimeInterval(-3600))
            let elsewhere = try issuer.token(subject: "alice", scope: ["order.read"]) { $0.audience = ["payment-service"] }
            for token in [try other.token(subject: "alice", scope: ["order.read"]), expired, elsewhere, "not.a.jwt"] {
                try await tester.test(.GET, "orders/7", headers: Self.bearer(token)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers.first(name: "WWW-Authenticate") == #"Bearer realm="orders", error="invalid_token", error_description="The access token is invalid.""#)
                }
            }
            // Two credentials, a token in the query: 400 invalid_request.
            try await tester.test(.GET, "orders/7?access_token=\(reader)", headers: Self.bearer(reader)) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers.first(name: "WWW-Authenticate")?.contains(#"error="invalid_request""#) == true)
            }
            var twoHeaders = Self.bearer(reader)
            twoHeaders.add(name: "Authorization", value: "Bearer \(writer)")
            try await tester.test(.GET, "orders/7", headers: twoHeaders) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    /// As on Hummingbird: a Bearer token's syntax is checked only when the cache does not
    /// answer for its bytes (issue 16); anything around or inside a cached token is refused as
    /// before, and the cached token still passes.
    @Test func aCachedTokenWithAnythingAroundItIsRefusedAsBefore() async throws {
        try await Self.withOrders { app, issuer in
            let token = try issuer.token(subject: "alice", scope: ["order.read"])
            let tester = try app.testing()
            try await tester.test(.GET, "orders/7", headers: Self.bearer(token)) { response in
                #expect(response.status == .ok)
            }
            let cases: [(String, HTTPResponseStatus, String)] = [
                ("Bearer \(token) x", .badRequest, "invalid_request"),
                ("Bearer \(token)!", .badRequest, "invalid_request"),
                ("Bearer !\(token)", .badRequest, "invalid_request"),
                ("Bearer \(token)=a", .badRequest, "invalid_request"),
                ("Bearer " + String(repeating: "!", count: 9000), .badRequest, "invalid_request"),
                ("Bearer " + String(repeating: "a", count: 9000), .unauthorized, "invalid_token"),
                ("Bearer \(token)=", .unauthorized, "invalid_token"),
                ("Bearer \(token).", .unauthorized, "invalid_token"),
                ("Bearer \(token)", .ok, ""),
            ]
            for (header, status, error) in cases {
                try await tester.test(.GET, "orders/7", headers: ["Authorization": header]) { response in
                    #expect(response.status == status, "\(header.prefix(80))")
                    if !error.isEmpty {
                        #expect(response.headers.first(name: "WWW-Authenticate")?.contains("error=\"\(error)\"") == true, "\(header.prefix(80))")
                    }
                }
            }
        }
    }

    /// With form-body tokens on, a malformed Authorization header is refused before the body is
    /// read: 400 invalid_request, not the 413 of a body past the form limit (the syntax is not
    /// left for later when a body is to be read).
    @Test func aMalformedHeaderIsRefusedBeforeAFormBodyIsRead() async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
        var configuration = BearerAuthenticatorConfiguration(realm: "orders")
        configuration.allowsFormBodyToken = true
        try await withApp(configure: { app in
            app.routes.defaultMaxBodySize = "1mb"
            let bearer = BearerMiddleware(verifier: issuer.verifier(), configuration: configuration)
            app.protected(by: bearer, requiring: .allOf("order.write")).post("notes") { _, _ in "noted" }
        }) { app in
            let tester = try app.testing()
            var headers: HTTPHeaders = ["Authorization": "Bearer not a token", "Content-Type": "application/x-www-form-urlencoded"]
            let large = ByteBuffer(string: "note=" + String(repeating: "a", count: configuration.maximumFormBodySize + 1024))
            try await tester.test(.POST, "notes", headers: headers, body: large) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers.first(name: "WWW-Authenticate")?.contains(#"error="invalid_request""#) == true)
            }
            headers.replaceOrAdd(name: "Authorization", value: "Bearer \(try issuer.token(subject: "alice", scope: ["order.write"]))!")
            try await tester.test(.POST, "notes", headers: headers, body: ByteBuffer(string: "note=a")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func aRefusalThrownByTheHandlerIsAnRFC6750Answer() async throws {
        try await Self.withOrders { app, issuer in
            let reader = try issuer.token(subject: "alice", scope: ["order.read"])
            try await app.testing().test(.GET, "orders/audit", headers: Self.bearer(reader)) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers.first(name: "WWW-Authenticate")?.hasSuffix(#"scope="order.audit order.read""#) == true)
            }
        }
    }

    @Test func theHandlerAndTheNextHopSeeTheIncomingToken() async throws {
        try await Self.withOrders { app, issuer in
            let reader = try issuer.token(subject: "alice", scope: ["order.read"])
            let jti = try await issuer.verifier().verify(reader).tokenID
            try await app.testing().test(.GET, "orders/incoming/token", headers: Self.bearer(reader)) { response in
                #expect(response.status == .ok)
                #expect(response.body.string == jti)
            }
            // Exactly the token's characters, whatever surrounds them in the field (issue 16: the
            // token is kept as a part of the field's value).
            for header in ["Bearer \(reader)", "  bEaReR   \(reader) \t"] {
                try await app.testing().test(.GET, "orders/incoming/raw", headers: ["Authorization": header]) { response in
                    #expect(response.status == .ok)
                    #expect(response.body.string == reader)
                }
            }
        }
    }

    /// The token and the scopes are checked before the body is read, as on Hummingbird: a
    /// large body without the right token is 401 or 403, not Vapor's 413; with it, the
    /// application's body limit holds and the handler reads the body. Over a real socket (the
    /// in-memory tester hands the body over whole, past any limit).
    @Test func theTokenIsCheckedBeforeTheBodyIsRead() async throws {
        try await Self.withOrders { app, issuer in
            app.routes.defaultMaxBodySize = "1kb"
            let reader = try issuer.token(subject: "alice", scope: ["order.read"])
            let writer = try issuer.token(subject: "alice", scope: ["order.read", "order.write"])
            let large = ByteBuffer(repeating: UInt8(ascii: "x"), count: 100_000)
            let tester = try app.testing(method: .running(port: 0))
            try await tester.test(.POST, "orders/notes", body: large) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers.first(name: "WWW-Authenticate") == #"Bearer realm="orders", scope="order.read order.write""#)
            }
            try await tester.test(.POST, "orders/notes", headers: Self.bearer(reader), body: large) { response in
                #expect(response.status == .forbidden)
            }
            try await tester.test(.POST, "orders/notes", headers: Self.bearer(writer), body: large) { response in
                #expect(response.status == .payloadTooLarge)
            }
            try await tester.test(.POST, "orders/notes", headers: Self.bearer(writer), body: ByteBuffer(string: "hello")) { response in
                #expect(response.status == .ok)
                #expect(response.body.string == "hello")
            }
        }
    }
}
