import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import InMemoryTracing
import Testing
import Tracing
import WardenCore
import WardenHummingbird
import WardenTesting

/// Issue 16: with a tracer, a request is a server span named by its declared route, continuing
/// the caller's `traceparent`, with the status and the token's client — never the query or a
/// header; a repeated `traceparent` starts a new trace. Without one, no middleware at all.
@Suite struct RequestTracingTests {
    static let parentTrace = "4bf92f3577b34da6a3ce929d0e0e4736"

    @Test func aRequestIsASpanNamedByItsRoute() async throws {
        let tracer = InMemoryTracer()
        let issuer = await TestTokenIssuer()
        let token = try issuer.token(subject: "alice", scope: ["me"], clientID: "web")
        try await withTracer(tracer) {
            let router = Router(context: TestContext.self)
            router.add(middleware: try #require(RequestTracingMiddleware<TestContext>(service: "orders")))
            let authenticator = BearerAuthenticator(verifier: issuer.verifier(), configuration: .init(realm: "test"), context: TestContext.self)
            router.protected("orders", by: authenticator, requiring: .allOf("me")).get("{id}") { _, _, _ in "order" }
            try await Application(router: router).test(.router) { client in
                var headers = bearer(token)
                headers[HTTPField.Name("traceparent")!] = "00-\(Self.parentTrace)-00f067aa0ba902b7-01"
                try await client.execute(uri: "/orders/42?note=leak", method: .get, headers: headers) { #expect($0.status == .ok) }
                try await client.execute(uri: "/orders/43", method: .get) { #expect($0.status == .unauthorized) }
                var twice = bearer(token)
                twice.append(HTTPField(name: HTTPField.Name("traceparent")!, value: "00-\(Self.parentTrace)-00f067aa0ba902b7-01"))
                twice.append(HTTPField(name: HTTPField.Name("traceparent")!, value: "00-\(Self.parentTrace)-00f067aa0ba902b8-01"))
                try await client.execute(uri: "/orders/44", method: .get, headers: twice) { #expect($0.status == .ok) }
            }
        }
        let requests = tracer.finishedSpans.filter { $0.kind == .server }
        #expect(requests.map(\.operationName) == ["GET /orders/{id}", "GET /orders/{id}", "GET /orders/{id}"])
        #expect(requests.map { $0.attributes["http.response.status_code"]?.toSpanAttribute() } == [.int64(200), .int64(401), .int64(200)])
        #expect(requests[0].attributes["oauth.client_id"]?.toSpanAttribute() == .string("web"))
        #expect(requests[0].attributes["warden.service"]?.toSpanAttribute() == .string("orders"))
        #expect(tracer.performedContextExtractions.count == 3)
        let recorded = requests.map { "\($0.attributes)" }.joined()
        #expect(!recorded.contains("leak") && !recorded.contains(token.prefix(20)))
    }

    /// The authorization server answers HEAD through the GET routes' responder, middleware
    /// included (RFC 9110 §9.3.2): still one span (a review found two, in two traces).
    @Test func aHeadRequestIsOneSpan() async throws {
        let tracer = InMemoryTracer()
        try await withTracer(tracer) {
            let router = Router(context: TestContext.self)
            router.add(middleware: try #require(RequestTracingMiddleware<TestContext>(service: "orders")))
            router.get("health") { _, _ in "ok" }
            let getRoutes = router.buildResponder()
            router.head("health") { request, context in
                var head = request.head
                head.method = .get
                let response = try await getRoutes.respond(to: Request(head: head, body: request.body), context: context)
                return Response(status: response.status, headers: response.headers)
            }
            try await Application(router: router).test(.router) { client in
                try await client.execute(uri: "/health", method: .head) { #expect($0.status == .ok) }
                try await client.execute(uri: "/nowhere", method: .get) { #expect($0.status == .notFound) }
            }
        }
        let names = tracer.finishedSpans.filter { $0.kind == .server }.map(\.operationName)
        #expect(names == ["HEAD /health", "GET"], "\(names)")
    }

    @Test func withoutATracerThereIsNoMiddleware() {
        #expect(RequestTracingMiddleware<TestContext>(service: "orders") == nil)
    }
}
