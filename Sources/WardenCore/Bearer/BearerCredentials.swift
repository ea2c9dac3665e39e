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
    /// never on GET or HEAD, and only when configured). The content type is looked up only when
    /// the answer depends on it (issue 16: a search of the request's fields, on every request).
    public func formBodyIsRead(method: String, contentType: @autoclosure () -> String?) -> Bool {
        guard configuration.allowsFormBodyToken, method != "GET", method != "HEAD", let contentType = contentType() else { return false }
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
        try presented(
            authorization: authorizationHeaders.first, authorizationCount: authorizationHeaders.count,
            queryTokens: queryTokens, formTokens: formTokens, checkingBearerToken: true
        )
    }

    /// ``presented(authorizationHeaders:queryTokens:formTokens:)`` for an adapter's first look
    /// at a request, with the token of a `Bearer` header not yet checked as a `b64token`
    /// (``PresentedAccessToken/isSyntaxChecked`` is `false`): ``BearerGate`` checks it — and
    /// refuses it with the same `400 invalid_request` — unless the verifier's cache answers for
    /// exactly its bytes. Everything else (the scheme, several headers or tokens, query tokens,
    /// `DPoP`) is checked here as there; with a malformed header *and* a query token, the
    /// refusal's description names the query or the second token instead (still 400). Not for a
    /// request whose body is read for a token (the body would be read before the refusal). Only
    /// this package's adapters use it: anything but ``BearerGate`` given such a token would
    /// refuse a malformed one as 401.
    package func presented(authorizationHeaders: [String], queryTokens: [String], deferringTokenSyntax: Bool) throws(BearerRefusal) -> PresentedAccessToken? {
        try presented(
            authorization: authorizationHeaders.first, authorizationCount: authorizationHeaders.count,
            queryTokens: queryTokens, formTokens: [], checkingBearerToken: !deferringTokenSyntax
        )
    }

    /// ``presented(authorizationHeaders:queryTokens:deferringTokenSyntax:)``, deferring, given
    /// the first `Authorization` field's value and how many the request has: for an adapter
    /// that finds them without collecting them into an array (issue 16: an allocation a request).
    package func presented(authorization: String?, authorizationCount: Int, queryTokens: [String]) throws(BearerRefusal) -> PresentedAccessToken? {
        try presented(authorization: authorization, authorizationCount: authorizationCount, queryTokens: queryTokens, formTokens: [], checkingBearerToken: false)
    }

    private func presented(
        authorization: String?, authorizationCount: Int, queryTokens: [String], formTokens: [String], checkingBearerToken: Bool
    ) throws(BearerRefusal) -> PresentedAccessToken? {
        if authorizationCount > 1 { throw invalid("The request has more than one Authorization header.") }
        // The header's token is checked as it is found (the common case: one pass, no copy).
        let fromHeader = try authorization.flatMap { (header) throws(BearerRefusal) in
            try credential(inAuthorization: header, checkingBearerToken: checkingBearerToken)
        }
        if !queryTokens.isEmpty, !configuration.allowsQueryToken {
            throw invalid("Access tokens in the URI query are not accepted.")
        }
        // RFC 6750 §2: clients MUST NOT use more than one method in each request.
        guard (fromHeader == nil ? 0 : 1) + queryTokens.count + formTokens.count <= 1 else {
            throw invalid("The request carries more than one access token.")
        }
        if let fromHeader { return fromHeader }
        guard let token = queryTokens.first ?? formTokens.first else { return nil }
        guard Self.isB64Token(token) else { throw invalid("The access token is malformed.") }
        return PresentedAccessToken(value: token, isDPoP: false)
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
    private func credential(inAuthorization header: String, checkingBearerToken: Bool) throws(BearerRefusal) -> PresentedAccessToken? {
        let scan = { (bytes: UnsafeBufferPointer<UInt8>) in Self.scanAuthorization(bytes, checkingBearerToken: checkingBearerToken) }
        let found = header.utf8.withContiguousStorageIfAvailable(scan) ?? Array(header.utf8).withUnsafeBufferPointer(scan)
        switch found {
        case .otherScheme:
            return nil
        case .noToken(let scheme):
            guard scheme == .bearer || (scheme == .dpop && configuration.dpop != nil) else { return nil }
            throw invalid("The Authorization header has no token.")
        case .malformed(let scheme):
            guard scheme == .bearer || (scheme == .dpop && configuration.dpop != nil) else { return nil }
            throw invalid("The Authorization header is malformed.")
        case .token(let scheme, let range):
            guard scheme == .bearer || (scheme == .dpop && configuration.dpop != nil) else { return nil }
            // The token as a part of the header's value (no copy). The scan's offsets are UTF-8
            // ones, and both ends of the range are next to a space, a tab or the end of the value
            // (the token may be any UTF-8 when its check is deferred): never inside a scalar's
            // bytes, so the part is exactly the scanned bytes.
            let utf8 = header.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            let end = utf8.index(start, offsetBy: range.count)
            return PresentedAccessToken(text: header[start..<end], isDPoP: scheme == .dpop, isSyntaxChecked: checkingBearerToken || scheme != .bearer)
        }
    }

    /// The refusal of a header whose token is no `b64token` (RFC 6750 §2.1), as
    /// ``presented(authorizationHeaders:queryTokens:formTokens:)`` refuses it.
    func malformedAuthorization() -> BearerRefusal {
        invalid("The Authorization header is malformed.")
    }

    enum AuthorizationScheme { case bearer, dpop, other }

    enum AuthorizationScan {
        case otherScheme
        case noToken(AuthorizationScheme)
        case malformed(AuthorizationScheme)
        /// The b64token's byte offsets in the header.
        case token(AuthorizationScheme, Range<Int>)
    }

    /// One pass over the header's bytes (written by hand: a hot path, ~1 KiB per request):
    /// whitespace around the value dropped, the scheme compared ASCII case-insensitively (RFC
    /// 9110 §11.1), the value after the first space (and any more spaces) checked as a b64token
    /// (a `Bearer` one only when `checkingBearerToken`: see ``PresentedAccessToken/isSyntaxChecked``).
    static func scanAuthorization(_ bytes: UnsafeBufferPointer<UInt8>, checkingBearerToken: Bool = true) -> AuthorizationScan {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        var space = start
        while space < end, bytes[space] != 0x20 { space += 1 }
        let scheme = Self.scheme(UnsafeBufferPointer(rebasing: bytes[start..<space]))
        guard scheme != .other else { return .otherScheme }
        guard space < end else { return .noToken(scheme) }
        var tokenStart = space
        while tokenStart < end, bytes[tokenStart] == 0x20 { tokenStart += 1 }
        guard tokenStart < end else { return .malformed(scheme) }
        if scheme == .bearer && !checkingBearerToken { return .token(scheme, tokenStart..<end) }
        guard isB64Token(UnsafeBufferPointer(rebasing: bytes[tokenStart..<end])) else { return .malformed(scheme) }
        return .token(scheme, tokenStart..<end)
    }

    static func scheme(_ bytes: UnsafeBufferPointer<UInt8>) -> AuthorizationScheme {
        func equalsIgnoringASCIICase(_ lowercase: StaticString) -> Bool {
            guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
            let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
            for index in 0..<bytes.count {
                // ASCII letters only: OR-ing 0x20 folds A–Z onto a–z.
                let byte = bytes[index]
                guard byte | 0x20 == expected[index], (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) else { return false }
            }
            return true
        }
        if equalsIgnoringASCIICase("bearer") { return .bearer }
        if equalsIgnoringASCIICase("dpop") { return .dpop }
        return .other
    }

    /// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
    public static func isB64Token(_ token: some StringProtocol) -> Bool {
        if let answer = token.utf8.withContiguousStorageIfAvailable({ isB64Token($0) }) { return answer }
        var token = String(token)
        return token.withUTF8 { isB64Token($0) }
    }

    /// The characters of a b64token before its padding, by byte: 1 for one, 0 otherwise.
    private static let b64TokenCharacters: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            1
        default:
            0
        }
    }

    static func isB64Token(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "=") { end -= 1 }
        guard end > 0 else { return false }
        // Every byte looked up and the answers AND-ed, without a branch per byte: a token is
        // scanned on every request (issue 16), and nearly every one passes. Four answers kept
        // apart, so that the lookups do not wait on one another: 138 ns for 612 bytes against
        // 160 with one (`Benchmarks/` "token 612 B"; range comparisons instead of the table did
        // not vectorize and were slower).
        return b64TokenCharacters.withUnsafeBufferPointer { table in
            var first: UInt8 = 1, second: UInt8 = 1, third: UInt8 = 1, fourth: UInt8 = 1
            var index = 0
            while index + 4 <= end {
                first &= table[Int(bytes[index])]
                second &= table[Int(bytes[index + 1])]
                third &= table[Int(bytes[index + 2])]
                fourth &= table[Int(bytes[index + 3])]
                index += 4
            }
            while index < end {
                first &= table[Int(bytes[index])]
                index += 1
            }
            return first & second & third & fourth == 1
        }
    }

    /// `400 invalid_request`, with the `DPoP` challenge too when DPoP is accepted — alone, and
    /// carrying the error, on a service that takes bound tokens only (RFC 9449 §7.1).
    private func invalid(_ description: String) -> BearerRefusal {
        let onlyDPoP = configuration.dpop?.requiresProofOfPossession == true
        return BearerRefusal.invalidRequest(realm: configuration.realm, description: description)
            .offering(configuration.dpop, errorScheme: onlyDPoP ? .dpop : .bearer)
    }
}
