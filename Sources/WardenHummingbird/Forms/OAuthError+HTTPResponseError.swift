import Hummingbird
import HTTPTypes
import NIOCore
import WardenCore

extension OAuthError: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    /// RFC 6749 §5.2 JSON, never cached (§5.1); `invalid_client` carries a challenge (§5.2);
    /// `Retry-After` when the error says when to try again.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        headers[HTTPField.Name("Pragma")!] = "no-cache"
        if code == "invalid_client" { headers[.wwwAuthenticate] = "Basic realm=\"warden\"" }
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jsonBody)))
    }
}
