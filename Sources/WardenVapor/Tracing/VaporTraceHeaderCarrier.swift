import Vapor

/// A request's headers as a trace-context carrier that prints as nothing (a propagator that
/// logs its carrier must not log `Authorization`).
struct VaporTraceHeaderCarrier: Sendable, CustomStringConvertible {
    let headers: HTTPHeaders

    var description: String { "(request header fields)" }
}
