import Hummingbird
import HTTPTypes
import NIOCore
import WardenCore

/// A refusal of a protected request, rendered as RFC 6750 §3 says: status, a `WWW-Authenticate:
/// Bearer …` challenge, and a JSON body `{"error", "error_description"}`. Descriptions are fixed
/// texts that never say which check failed.
public struct BearerError: HTTPResponseError, Sendable, Equatable {
    public let status: HTTPResponse.Status
    /// The RFC 6750 §3.1 error code; `nil` when the request carried no credentials (§3.1).
    public let errorCode: String?
    public let errorDescription: String
    public let realm: String
    /// The `scope` attribute: every scope the route needs.
    public let scope: ScopeSet?

    /// 401 without an error code: the request had no bearer credentials (RFC 6750 §3.1).
    public static func missingCredentials(realm: String, scope: ScopeSet) -> BearerError {
        BearerError(
            status: .unauthorized, errorCode: nil, errorDescription: "This resource requires a bearer access token.",
            realm: realm, scope: scope.isEmpty ? nil : scope
        )
    }

    /// 401 `invalid_token`: malformed, forged, expired, revoked, or not meant for this service.
    public static func invalidToken(realm: String) -> BearerError {
        BearerError(status: .unauthorized, errorCode: "invalid_token", errorDescription: "The access token is invalid.", realm: realm, scope: nil)
    }

    /// 403 `insufficient_scope`, naming every scope the route needs.
    public static func insufficientScope(realm: String, scope: ScopeSet) -> BearerError {
        BearerError(
            status: .forbidden, errorCode: "insufficient_scope",
            errorDescription: "The access token does not grant the scopes this resource requires.", realm: realm, scope: scope
        )
    }

    /// 400 `invalid_request`: several credentials, a malformed `Authorization` header, a token
    /// where this server does not take one.
    public static func invalidRequest(realm: String, description: String) -> BearerError {
        BearerError(status: .badRequest, errorCode: "invalid_request", errorDescription: description, realm: realm, scope: nil)
    }

    /// 503: the token's keys cannot be had right now (e.g. JWKS unreachable too long). Not the
    /// client's fault, so not a 401.
    public static func temporarilyUnavailable(realm: String) -> BearerError {
        BearerError(
            status: .serviceUnavailable, errorCode: "temporarily_unavailable",
            errorDescription: "The access token cannot be verified right now; try again later.", realm: realm, scope: nil
        )
    }

    /// The `WWW-Authenticate` value (RFC 6750 §3). Attribute values here never contain `"` or `\`
    /// (realm is checked at configuration, scopes by grammar, descriptions are fixed).
    public var challenge: String {
        var parts = ["realm=\"\(realm)\""]
        if let errorCode { parts.append("error=\"\(errorCode)\"") }
        if errorCode != nil { parts.append("error_description=\"\(errorDescription)\"") }
        if let scope, !scope.isEmpty { parts.append("scope=\"\(scope)\"") }
        return "Bearer " + parts.joined(separator: ", ")
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        if status != .serviceUnavailable {
            headers[.wwwAuthenticate] = challenge
        } else {
            headers[.retryAfter] = "5"
        }
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        let body = JSONValue.object([
            "error": .string(errorCode ?? "unauthorized"),
            "error_description": .string(errorDescription),
        ]).serialized()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
