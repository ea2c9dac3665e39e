import Tracing

/// Gives a propagator only the checked `traceparent` and `tracestate`; nothing else of the
/// request (no `baggage`).
struct TraceContextExtractor: Extractor {
    func extract(key: String, from carrier: TraceContextCarrier) -> String? {
        switch key.lowercased() {
        case "traceparent": carrier.fields.traceparent
        case "tracestate": carrier.fields.tracestate
        default: nil
        }
    }
}
