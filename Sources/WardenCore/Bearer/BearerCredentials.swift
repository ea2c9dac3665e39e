/// The one bearer token of a request (RFC 6750 §2), or none, or a refusal, from what the
/// request carries where a token may be: `Authorization` header values, `access_token` query
/// values, and `access_token` values of a form body (which the adapter reads only when
/// ``formBodyIsRead(method:contentType:)`` says so). The same rules for every framework.
public struct BearerCredentials: Sendable {
    public let configuration: BearerAuthenticatorConfiguration

    public init(configuration: BearerAuthenticatorConfiguration) {
        self.configuration = configuration
    }

    /// Whether a request's body must be read for an `access_token` (RFC 6750 §2.2: a form body,
    /// never on GET or HEAD, and only when configured).
    public func formBodyIsRead(method: String, contentType: String?) -> Bool {
        guard configuration.allowsFormBodyToken, method != "GET", method != "HEAD", let contentType else { return false }
        return contentType.lowercased().hasPrefix("application/x-www-form-urlencoded")
    }

    /// The token, or `nil` when the request has no bearer credentials.
    /// - Throws: ``BearerRefusal`` `invalid_request` for several credentials or bad syntax.
    public func token(authorizationHeaders: [String], queryTokens: [String], formTokens: [String] = []) throws(BearerRefusal) -> String? {
        try presented(authorizationHeaders: authorizationHeaders, queryTokens: queryTokens, formTokens: formTokens)?.value
    }

    /// The token and how it was presented (`Bearer`, or `DPoP` when DPoP is accepted,
    /// RFC 9449 §7.1), or `nil` when the request has no credentials this server takes.
    /// - Throws: ``BearerRefusal`` `invalid_request` for several credentials or bad syntax.
    public func presented(authorizationHeaders: [String], queryTokens: [String], formTokens: [String] = []) throws(BearerRefusal) -> PresentedAccessToken? {
        var found: [String] = []
        var isDPoP = false
        if authorizationHeaders.count > 1 { throw invalid("The request has more than one Authorization header.") }
        if let header = authorizationHeaders.first, let credential = try credential(inAuthorization: header) {
            found.append(credential.value)
            isDPoP = credential.isDPoP
        }
        if !queryTokens.isEmpty {
            guard configuration.allowsQueryToken else {
                throw invalid("Access tokens in the URI query are not accepted.")
            }
            found.append(contentsOf: queryTokens)
        }
        found.append(contentsOf: formTokens)

        // RFC 6750 §2: clients MUST NOT use more than one method in each request.
        guard found.count <= 1 else { throw invalid("The request carries more than one access token.") }
        guard let token = found.first else { return nil }
        guard Self.isB64Token(token) else { throw invalid("The access token is malformed.") }
        return PresentedAccessToken(value: token, isDPoP: isDPoP)
    }

    /// `access_token` values of a URI query (RFC 6750 §2.3), for a framework that gives the raw query.
    public static func queryTokens(inQuery query: String?) -> [String] {
        guard let query, !query.isEmpty else { return [] }
        return URLEncodedFormParameters.allValues(named: "access_token", in: query)
    }

    /// `access_token` values of a form body (RFC 6750 §2.2).
    public static func formTokens(inBody body: String) -> [String] {
        URLEncodedFormParameters.allValues(named: "access_token", in: body)
    }

    /// `credentials = "Bearer" 1*SP b64token` (RFC 6750 §2.1), or `"DPoP" 1*SP b64token`
    /// (RFC 9449 §7.1) when DPoP is accepted; the scheme is case-insensitive (RFC 9110 §11.1).
    /// Another scheme is not a credential of ours. Whitespace around the value is not part of
    /// it (RFC 9110 §5.5); some frameworks trim it before we see it, some do not.
    private func credential(inAuthorization header: String) throws(BearerRefusal) -> PresentedAccessToken? {
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        let utf8 = Array(Array(header.utf8).drop(while: isWhitespace).reversed().drop(while: isWhitespace).reversed())
        let header = String(decoding: utf8, as: UTF8.self)
        let acceptsDPoP = configuration.dpop != nil
        func isOurs(_ scheme: String) -> Bool { scheme == "bearer" || (acceptsDPoP && scheme == "dpop") }
        guard let space = utf8.firstIndex(of: 0x20) else {
            if isOurs(header.lowercased()) { throw invalid("The Authorization header has no token.") }
            return nil
        }
        let scheme = String(decoding: utf8[..<space], as: UTF8.self).lowercased()
        guard isOurs(scheme) else { return nil }
        let rest = utf8[space...].drop { $0 == 0x20 }
        guard !rest.isEmpty, Self.isB64Token(rest) else { throw invalid("The Authorization header is malformed.") }
        return PresentedAccessToken(value: String(decoding: rest, as: UTF8.self), isDPoP: scheme == "dpop")
    }

    /// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
    public static func isB64Token(_ token: some StringProtocol) -> Bool { isB64Token(Array(token.utf8)[...]) }

    static func isB64Token(_ bytes: ArraySlice<UInt8>) -> Bool {
        var seenPadding = false
        var count = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "="):
                seenPadding = true
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                if seenPadding { return false }
                count += 1
            default:
                return false
            }
        }
        return count > 0
    }

    /// `400 invalid_request`, with the `DPoP` challenge too when DPoP is accepted — alone, and
    /// carrying the error, on a service that takes bound tokens only (RFC 9449 §7.1).
    private func invalid(_ description: String) -> BearerRefusal {
        let onlyDPoP = configuration.dpop?.requiresProofOfPossession == true
        return BearerRefusal.invalidRequest(realm: configuration.realm, description: description)
            .offering(configuration.dpop, errorScheme: onlyDPoP ? .dpop : .bearer)
    }
}
