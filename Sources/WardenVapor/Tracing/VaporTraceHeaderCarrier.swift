import Vapor
import WardenCore

/// A request's trace-context fields, checked (``TraceContextFields``), as a carrier that prints
/// as nothing (a propagator that logs its carrier must not log `Authorization`).
struct VaporTraceHeaderCarrier: Sendable, CustomStringConvertible {
    let fields: TraceContextFields

    init(headers: HTTPHeaders) {
        self.fields = TraceContextFields(traceparent: headers["traceparent"], tracestate: headers["tracestate"])
    }

    var description: String { "(request header fields)" }
}
