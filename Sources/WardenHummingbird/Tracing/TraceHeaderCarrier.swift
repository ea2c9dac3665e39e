import HTTPTypes
import WardenCore

/// A request's trace-context fields, checked (``TraceContextFields``: malformed or oversized ones
/// read as absent), as a carrier that prints as nothing — a propagator that logs its carrier must
/// not log the request's `Authorization`.
struct TraceHeaderCarrier: Sendable, CustomStringConvertible {
    let fields: TraceContextFields

    init(fields: HTTPFields) {
        self.fields = TraceContextFields(
            traceparent: fields[values: HTTPField.Name("traceparent")!],
            tracestate: fields[values: HTTPField.Name("tracestate")!]
        )
    }

    var description: String { "(request header fields)" }
}
