public import Hummingbird
public import HTTPTypes
public import WardenCore

/// An ``HTTPSignatureRefusal`` (WardenCore) written out as a Hummingbird response.
extension HTTPSignatureRefusal: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(statusCode: statusCode, headerFields: headerFields, body: jsonBody)
    }
}
