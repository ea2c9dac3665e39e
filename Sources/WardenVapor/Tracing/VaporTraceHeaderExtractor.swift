import Tracing
import WardenCore

/// Gives a propagator only the checked `traceparent` and `tracestate`; nothing else of the request.
struct VaporTraceHeaderExtractor: Extractor {
    func extract(key: String, from carrier: VaporTraceHeaderCarrier) -> String? {
        switch key.lowercased() {
        case "traceparent": carrier.fields.traceparent
        case "tracestate": carrier.fields.tracestate
        default: nil
        }
    }
}
