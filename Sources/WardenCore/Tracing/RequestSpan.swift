public import Tracing

/// The server span of one incoming request, for every adapter's request tracing middleware
/// (issue 16): they only read the request and its answer; what a span says and what it is
/// handed is decided here once.
///
/// - The caller's trace context is read only from fields that passed ``TraceContextFields``,
///   through a carrier that prints as nothing (a propagator may log its carrier).
/// - Named `METHOD /route` (OpenTelemetry's HTTP conventions) once the route is known; with no
///   route matched, the method alone and no `http.route`.
/// - An error status only for 5xx (a 401 or 403 is the service doing its job).
/// - One span per request: a request answered by re-entering the router (the authorization
///   server's `HEAD` through its `GET` routes) stays in the span it is in.
public enum RequestSpan {
    @TaskLocal static var isOpen = false

    /// Runs `handle` inside the request's span. `route` is read after `handle` (a router fills it
    /// in while routing); `status` of the answer, `errorStatus` of a thrown error.
    public static func run<Answer>(
        tracer: any Tracer,
        method: String,
        path: String,
        service: String,
        traceContext fields: TraceContextFields,
        route: () -> String?,
        status: (Answer) -> Int,
        errorStatus: (any Error) -> Int,
        _ handle: () async throws -> Answer
    ) async throws -> Answer {
        if isOpen { return try await handle() }
        var parent = InstrumentationContext.current ?? .topLevel
        tracer.extract(TraceContextCarrier(fields: fields), into: &parent, using: TraceContextExtractor())
        let span = tracer.startSpan(method, context: parent, ofKind: .server)
        // At the end of the handler: a streamed answer's span is its start, not its whole life.
        defer { span.end() }
        span.updateAttributes { attributes in
            attributes["http.request.method"] = method
            attributes["url.path"] = path
            attributes["warden.service"] = service
        }
        do {
            let answer = try await InstrumentationContext.$current.withValue(span.context) {
                try await $isOpen.withValue(true) { try await handle() }
            }
            finish(span, method: method, route: route(), status: status(answer))
            return answer
        } catch {
            let code = errorStatus(error)
            finish(span, method: method, route: route(), status: code)
            if code >= 500 { span.recordError(error) }
            throw error
        }
    }

    static func finish(_ span: any Tracing.Span, method: String, route: String?, status: Int) {
        // Hummingbird says "NotFound" when no route matched; the conventions leave the route out.
        let route = route == "NotFound" ? nil : route
        if let route { span.operationName = "\(method) \(route)" }
        span.updateAttributes { attributes in
            attributes["http.route"] = route
            attributes["http.response.status_code"] = status
        }
        if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
    }
}
