import Hummingbird
import HTTPTypes
import NIOCore
import WardenCore

/// Finds the one bearer token of a Hummingbird request, by WardenCore's rules
/// (``BearerCredentials``, RFC 6750 §2): this only reads where a token may be.
struct BearerCredentialExtractor: Sendable {
    let credentials: BearerCredentials

    init(configuration: BearerAuthenticatorConfiguration) {
        self.credentials = BearerCredentials(configuration: configuration)
    }

    /// What the request's header fields and query present, when no body has to be read too.
    enum Found {
        case nothing
        case token(PresentedAccessToken)
        /// A form body may carry a token as well (RFC 6750 §2.2): ``extract(from:)`` reads it.
        case bodyToRead
    }

    /// The credentials in the `Authorization` field and the query, found without suspending —
    /// the usual request, whose body carries no token.
    /// - Throws: ``BearerRefusal`` `invalid_request` for several credentials or bad syntax.
    func extractWithoutBody(from request: Request) throws(BearerRefusal) -> Found {
        // A Bearer token's syntax is left to BearerGate, which checks it unless the verifier's
        // cache answers for its bytes (issue 16). The fields are looked through once, without
        // collecting their values (`headers[values:]` is an array a request).
        var authorization: String?
        var authorizationCount = 0
        for field in request.headers where field.name == .authorization {
            if authorizationCount == 0 { authorization = field.value }
            authorizationCount += 1
        }
        let found = try credentials.presented(
            authorization: authorization,
            authorizationCount: authorizationCount,
            queryTokens: BearerCredentials.queryTokens(inQuery: request.uri.query)
        )
        if credentials.formBodyIsRead(method: request.method.rawValue, contentType: request.headers[.contentType]) { return .bodyToRead }
        return found.map(Found.token) ?? .nothing
    }

    /// The token as presented, or `nil` when the request has no credentials this server takes.
    /// - Throws: ``BearerRefusal`` `invalid_request` for several credentials or bad syntax.
    func extract(from request: inout Request) async throws -> PresentedAccessToken? {
        let headers = request.headers[values: .authorization]
        // The raw query, decoded by WardenCore as on every adapter (names too: `access%5Ftoken`
        // is `access_token`).
        let queryTokens = BearerCredentials.queryTokens(inQuery: request.uri.query)
        // Header and query mistakes are refused before any body is read (as before the rules
        // moved to WardenCore).
        let found = try credentials.presented(authorizationHeaders: headers, queryTokens: queryTokens)
        guard credentials.formBodyIsRead(method: request.method.rawValue, contentType: request.headers[.contentType]) else { return found }
        let body = try await request.collectBody(upTo: credentials.configuration.maximumFormBodySize)
        return try credentials.presented(authorizationHeaders: headers, queryTokens: queryTokens, formTokens: BearerCredentials.formTokens(inBody: String(buffer: body)))
    }
}
