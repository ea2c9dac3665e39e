import NIOCore
public import Vapor
public import WardenCore

extension OAuthError {
    /// The error as a Vapor response, byte for byte what WardenHummingbird answers
    /// (``OAuthError/headerFields``, ``OAuthError/jsonBody``: RFC 6749 §5.2). ``ProtectedRoutes``
    /// answers an `OAuthError` its handler throws with it; a public route returns it itself.
    public func vaporResponse() -> Response {
        Response(statusCode: statusCode, headerFields: headerFields, body: jsonBody)
    }
}
