import HTTPTypes

/// A request's header fields as a trace-context carrier that prints as nothing: a propagator
/// that logs its carrier when it cannot read it (swift-otel does, at warning) must not log the
/// request's `Authorization`.
struct TraceHeaderCarrier: Sendable, CustomStringConvertible {
    let fields: HTTPFields

    var description: String { "(request header fields)" }
}
