/// Checked trace-context fields (``TraceContextFields``) as a propagator's carrier that prints as
/// nothing: a propagator that logs the carrier it could not read must not log a request.
struct TraceContextCarrier: Sendable, CustomStringConvertible {
    let fields: TraceContextFields

    var description: String { "(request header fields)" }
}
