import Testing
@testable import WardenCore

/// Issue 16, a review: a caller's trace-context fields reach the tracer only when they are W3C
/// Trace Context's shape and size; anything else reads as absent (no log line, nothing stored
/// or forwarded).
@Suite struct TraceContextFieldsTests {
    static let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func aWellFormedTraceparentAndTracestatePass() {
        let fields = TraceContextFields(traceparent: [Self.parent], tracestate: ["rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "vendor@tenant=x"])
        #expect(fields.traceparent == Self.parent)
        #expect(fields.tracestate == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,vendor@tenant=x")
    }

    @Test func aMalformedRepeatedOrZeroTraceparentIsAbsent() {
        for values in [
            [String](), ["junk"], [Self.parent, Self.parent], [Self.parent.uppercased()], [Self.parent + " "],
            ["ff" + Self.parent.dropFirst(2)], ["00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
            ["00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"], ["00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"],
        ] {
            let fields = TraceContextFields(traceparent: values, tracestate: ["a=b"])
            #expect(fields.traceparent == nil && fields.tracestate == nil, "\(values)")
        }
    }

    @Test func aTracestateThatIsMalformedOrTooLargeIsDroppedAlone() {
        let tooMany = (0..<33).map { "k\($0)=v" }.joined(separator: ",")
        let tooLong = "k=" + String(repeating: "v", count: 256) + ",l=" + String(repeating: "w", count: 256)
        for state in ["\nFORGED critical", "Upper=x", "k=v\r\nX: y", "k", "=v", "k=a,b", tooMany, tooLong, "k=é"] {
            let fields = TraceContextFields(traceparent: [Self.parent], tracestate: [state])
            #expect(fields.traceparent == Self.parent)
            #expect(fields.tracestate == nil, "\(state.prefix(40))")
        }
        #expect(TraceContextFields(traceparent: [Self.parent], tracestate: ["a=1 , ,b=2"]).tracestate == "a=1 , ,b=2")
    }

    /// What a propagator is given: the checked fields only, through a carrier that prints
    /// nothing (swift-otel logs the carrier it could not read).
    @Test func thePropagatorGetsTheCheckedFieldsAndACarrierThatPrintsNothing() {
        let carrier = TraceContextCarrier(fields: TraceContextFields(traceparent: [Self.parent], tracestate: ["a=b"]))
        #expect(TraceContextExtractor().extract(key: "traceparent", from: carrier) == Self.parent)
        #expect(TraceContextExtractor().extract(key: "tracestate", from: carrier) == "a=b")
        #expect(TraceContextExtractor().extract(key: "baggage", from: carrier) == nil)
        #expect("\(carrier)" == "(request header fields)")
    }
}
