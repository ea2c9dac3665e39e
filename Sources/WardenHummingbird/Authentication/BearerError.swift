public import Hummingbird
public import HTTPTypes
import NIOCore
public import WardenCore

/// The name WardenHummingbird has always used for a refusal of a protected request.
public typealias BearerError = BearerRefusal

/// A ``BearerRefusal`` (WardenCore) written out as a Hummingbird response: its status, its
/// header fields (the RFC 6750 §3 challenge) and its JSON body.
extension BearerRefusal: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(statusCode: statusCode, headerFields: headerFields, body: jsonBody)
    }
}
