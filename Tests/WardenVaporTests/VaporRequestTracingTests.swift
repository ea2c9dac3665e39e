import InMemoryTracing
import Testing
import Tracing
import Vapor
import VaporTesting
import WardenCore
import WardenTesting
import WardenVapor

/// Issue 16: the Vapor adapter's request span reads as WardenHummingbird's — `GET /orders/{id}`,
/// the status, the service, the token's client — and records no query.
@Suite struct VaporRequestTracingTests {
    @Test func aRequestIsASpanNamedByItsRoute() async throws {
        let tracer = InMemoryTracer()
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
        let token = try issuer.token(subject: "alice", scope: ["order.read"], clientID: "web")
        try await withTracer(tracer) {
            try await withApp(configure: { app in
                app.middleware.use(try #require(RequestTracingMiddleware(service: "orders")), at: .beginning)
                let bearer = BearerMiddleware(verifier: issuer.verifier(), configuration: .init(realm: "orders"))
                app.protected(by: bearer, requiring: .allOf("order.read")).grouped("orders").get(":id") { _, _ in "order" }
            }) { app in
                try await app.testing().test(.GET, "orders/7?note=leak", headers: ["Authorization": "Bearer \(token)"]) { #expect($0.status == .ok) }
                try await app.testing().test(.GET, "orders/8") { #expect($0.status == .unauthorized) }
            }
        }
        let requests = tracer.finishedSpans.filter { $0.kind == .server }
        #expect(requests.map(\.operationName) == ["GET /orders/{id}", "GET /orders/{id}"])
        #expect(requests.map { $0.attributes["http.response.status_code"]?.toSpanAttribute() } == [.int64(200), .int64(401)])
        #expect(requests.first?.attributes["oauth.client_id"]?.toSpanAttribute() == .string("web"))
        #expect(requests.first?.attributes["http.route"]?.toSpanAttribute() == .string("/orders/{id}"))
        #expect(!requests.map { "\($0.attributes)" }.joined().contains("leak"))
    }
}
