import AsyncHTTPClient
import Instrumentation
import NIOHTTP1
import Tracing

/// W3C trace context (`traceparent`) on Warden's outgoing requests, exactly once (issue 16). An
/// async-http-client made while a tracer was bootstrapped makes its own client span and injects
/// that span's context itself (`headers.add`); injecting here too would send the field twice,
/// which W3C Trace Context §3.2 leaves the receiver free to drop. So Warden injects only for
/// clients that do not trace (made before the bootstrap, or with tracing off by configuration).
enum TraceContextPropagation {
    /// Whether `client` makes its own spans and injects their context.
    static func clientTraces(_ client: HTTPClient) -> Bool {
        guard let tracer = client.tracer else { return false }
        return !(tracer is NoOpTracer)
    }

    /// Adds the current trace context to `headers`, unless `client` will (then a caller's own
    /// `traceparent` is taken out, or the request would carry two).
    static func inject(into headers: inout HTTPHeaders, for client: HTTPClient) {
        if clientTraces(client) {
            headers.remove(name: "traceparent")
            headers.remove(name: "tracestate")
            return
        }
        guard let context = InstrumentationContext.current else { return }
        InstrumentationSystem.instrument.inject(context, into: &headers, using: HTTPHeadersInjector())
    }
}
