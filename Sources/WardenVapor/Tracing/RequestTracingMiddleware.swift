public import Vapor
import Tracing
import WardenCore

/// A server span per request for Vapor (issue 16), as WardenHummingbird's: `METHOD /route` (the
/// route as declared, parameters written `{id}` as on Hummingbird), the status, the service's
/// name and — once a token verified — its `oauth.client_id`; a caller's `traceparent` continued.
/// Not Vapor's `TracingMiddleware`, which records the query string (where a misconfigured
/// client may put `access_token`) and hands the header fields to the propagator (a bad
/// `traceparent` makes swift-otel log them, `Authorization` included); here the propagator sees
/// only fields that passed ``TraceContextFields``.
///
/// Add it first (`app.middleware.use(_:at: .beginning)`); `nil` when tracing is off.
public struct RequestTracingMiddleware: AsyncMiddleware {
    let tracer: any Tracer
    let service: String

    public init?(service: String) {
        guard let tracer = WardenTracing.activeTracer else { return nil }
        self.tracer = tracer
        self.service = service
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let method = request.method.rawValue
        return try await RequestSpan.run(
            tracer: tracer, method: method, path: request.url.path, service: service,
            traceContext: TraceContextFields(traceparent: request.headers["traceparent"], tracestate: request.headers["tracestate"]),
            // Parameters written `{id}`, as on Hummingbird.
            route: { request.route.map { ReportedRouteName.path($0.path) } },
            status: { Int($0.status.code) },
            errorStatus: { ($0 as? any AbortError).map { Int($0.status.code) } ?? 500 }
        ) {
            try await next.respond(to: request)
        }
    }
}
