import HTTPTypes
import Tracing

/// Reads trace-context fields (`traceparent`, `tracestate`, `baggage`) for a propagator. A
/// repeated `traceparent` is ambiguous (W3C Trace Context §3.2 allows one): read as absent, so
/// the request starts a new trace instead of joining a guessed one.
struct TraceHeaderExtractor: Extractor {
    func extract(key: String, from carrier: TraceHeaderCarrier) -> String? {
        guard let name = HTTPField.Name(key) else { return nil }
        let values = carrier.fields[values: name]
        if values.isEmpty || (values.count > 1 && key.lowercased() == "traceparent") { return nil }
        return values.joined(separator: ",")
    }
}
