import Tracing
import Vapor

/// Reads trace-context fields for a propagator; a repeated `traceparent` (W3C Trace Context
/// §3.2 allows one) reads as absent.
struct VaporTraceHeaderExtractor: Extractor {
    func extract(key: String, from carrier: VaporTraceHeaderCarrier) -> String? {
        let values = carrier.headers[key]
        if values.isEmpty || (values.count > 1 && key.lowercased() == "traceparent") { return nil }
        return values.joined(separator: ",")
    }
}
