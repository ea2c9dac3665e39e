public import Hummingbird
public import HTTPTypes
import NIOCore
public import WardenCore

extension OAuthError: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    /// The error as WardenCore renders it (``OAuthError/headerFields``, ``OAuthError/jsonBody``).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(statusCode: statusCode, headerFields: headerFields, body: jsonBody)
    }
}
