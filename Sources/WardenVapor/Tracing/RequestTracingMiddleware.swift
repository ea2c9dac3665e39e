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
        var parent = InstrumentationContext.current ?? .topLevel
        tracer.extract(VaporTraceHeaderCarrier(headers: request.headers), into: &parent, using: VaporTraceHeaderExtractor())
        let method = request.method.rawValue
        let span = tracer.startSpan(method, context: parent, ofKind: .server)
        defer { span.end() }
        span.updateAttributes { attributes in
            attributes["http.request.method"] = method
            attributes["url.path"] = request.url.path
            attributes["warden.service"] = service
        }
        let route = request.route.map { "\(method) " + ReportedRouteName.path($0.path) }
        do {
            let response = try await InstrumentationContext.$current.withValue(span.context) { try await next.respond(to: request) }
            Self.finish(span, name: route, status: Int(response.status.code))
            return response
        } catch {
            let status = (error as? any AbortError).map { Int($0.status.code) } ?? 500
            Self.finish(span, name: route, status: status)
            if status >= 500 { span.recordError(error) }
            throw error
        }
    }

    static func finish(_ span: any Tracing.Span, name: String?, status: Int) {
        if let name {
            span.operationName = name
            span.attributes["http.route"] = String(name.drop { $0 != " " }.dropFirst())
        }
        span.attributes["http.response.status_code"] = status
        if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
    }
}
