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
        try await RequestSpan.run(
            tracer: tracer, method: request.method.rawValue, path: request.uri.path, service: service,
            traceContext: TraceContextFields(traceparent: request.headers[values: Self.traceparent], tracestate: request.headers[values: Self.tracestate]),
            route: { context.endpointPath },
            status: { Int($0.status.code) },
            errorStatus: { ($0 as? any HTTPResponseError).map { Int($0.status.code) } ?? 500 }
        ) {
            try await next(request, context)
        }
    }

    static var traceparent: HTTPField.Name { HTTPField.Name("traceparent")! }
    static var tracestate: HTTPField.Name { HTTPField.Name("tracestate")! }
}
