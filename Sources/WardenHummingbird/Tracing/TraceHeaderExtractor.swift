import Tracing
import WardenCore

/// Gives a propagator only the checked `traceparent` and `tracestate` (``TraceHeaderCarrier``);
/// nothing else of the request (no `baggage`).
struct TraceHeaderExtractor: Extractor {
    func extract(key: String, from carrier: TraceHeaderCarrier) -> String? {
        switch key.lowercased() {
        case "traceparent": carrier.fields.traceparent
        case "tracestate": carrier.fields.tracestate
        default: nil
        }
    }
}
