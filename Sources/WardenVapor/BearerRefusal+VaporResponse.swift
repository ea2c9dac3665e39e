import NIOCore
public import Vapor
public import WardenCore

extension BearerRefusal {
    /// The refusal as a Vapor response: its status, its header fields (the RFC 6750 §3
    /// challenge) and its JSON body, byte for byte what WardenHummingbird answers. Written
    /// directly rather than thrown to Vapor's `ErrorMiddleware`, whose body is its own shape.
    public func vaporResponse() -> Response {
        Response(statusCode: statusCode, headerFields: headerFields, body: jsonBody)
    }
}
