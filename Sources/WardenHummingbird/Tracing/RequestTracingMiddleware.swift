public import Hummingbird
import HTTPTypes
import Tracing
import WardenCore

/// A server span per request (issue 16), for the authorization server and every protected
/// service: `METHOD /route` (the route as declared, `GET /orders/{id}`), the status, the
/// service's name, and — set by Warden's authenticator once a token verified — its
/// `oauth.client_id`. The caller's W3C `traceparent` makes it a child of the caller's span.
///
/// Warden's own rather than Hummingbird's `TracingMiddleware`, which records the query string
/// (where a misconfigured client may put `access_token`), and hands the request's header fields
/// to the propagator — whose failure to read a malformed `traceparent` logs the carrier it was
/// given, `Authorization` included, and a bad `tracestate` raw on a line of its own. Here the
/// propagator sees only fields that passed ``TraceContextFields`` (a malformed, repeated or
/// oversized one reads as absent), through a carrier that prints as nothing.
///
/// A caller's `traceparent` is followed, its sampled flag included: that is how one call through
/// several services is one trace. A service open to the internet lets its callers choose to be
/// traced or not (README, "Traces").
///
/// Add it before every route (Hummingbird applies middleware to routes added after it). `nil`
/// when tracing is off: add nothing.
public struct RequestTracingMiddleware<Context: RequestContext>: RouterMiddleware {
    let tracer: any Tracer
    let service: String

    /// `service`: the name on every span (`warden.service`), telling apart services that share a
    /// process and so one OpenTelemetry `service.name`.
    public init?(service: String) {
        guard let tracer = WardenTracing.activeTracer else { return nil }
        self.tracer = tracer
        self.service = service
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if RequestSpanScope.isOpen { return try await next(request, context) }
        var parent = InstrumentationContext.current ?? .topLevel
        tracer.extract(TraceHeaderCarrier(fields: request.headers), into: &parent, using: TraceHeaderExtractor())
        let method = request.method.rawValue
        let span = tracer.startSpan(method, context: parent, ofKind: .server)
        // At the end of the handler: a streamed answer's span is its start, not its whole life.
        defer { span.end() }
        span.updateAttributes { attributes in
            attributes["http.request.method"] = method
            attributes["url.path"] = request.uri.path
            attributes["warden.service"] = service
        }
        do {
            let response = try await InstrumentationContext.$current.withValue(span.context) {
                try await RequestSpanScope.$isOpen.withValue(true) { try await next(request, context) }
            }
            Self.finish(span, method: method, route: context.endpointPath, status: Int(response.status.code))
            return response
        } catch {
            let status = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
            Self.finish(span, method: method, route: context.endpointPath, status: status)
            if status >= 500 { span.recordError(error) }
            throw error
        }
    }

    /// OpenTelemetry's HTTP conventions: the name `{method} {http.route}`; an error status only
    /// for 5xx (a 401 or 403 is the service doing its job).
    static func finish(_ span: any Tracing.Span, method: String, route: String?, status: Int) {
        // No route matched: Hummingbird says "NotFound"; the conventions leave `http.route` out.
        let route = route == "NotFound" ? nil : route
        if let route { span.operationName = "\(method) \(route)" }
        span.updateAttributes { attributes in
            attributes["http.route"] = route
            attributes["http.response.status_code"] = status
        }
        if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
    }
}
