import Foundation

extension AccessTokenClaims {
    /// Reads claims from a verified payload (strict JSON). Every claim RFC 9068 §2.2 requires
    /// must be present and well-typed; `scope` must follow RFC 6749 §3.3.
    ///
    /// The object is walked once without building a dictionary (the verify path's hot spot):
    /// the claims Warden reads are kept, every other member is checked and skipped, and a
    /// repeated name is refused whether Warden reads it or not. Types are checked after the
    /// walk, so a syntax error anywhere reads as `malformed`, not as a claim's error.
    init(payload bytes: [UInt8]) throws(TokenVerificationError) {
        var iss, sub, aud, exp, iat, nbf, jti, clientID, scope, act, cnf: JSONValue?
        do {
            var cursor = JSONCursor(bytes: bytes, maximumDepth: 16)
            try cursor.openObject(depth: 1)
            var others = SeenMemberNames()
            var isFirst = true
            while let name = try cursor.nextMemberName(isFirst: &isFirst) {
                func keep(_ slot: inout JSONValue?) throws(StrictJSONParser.Failure) {
                    guard slot == nil else { throw cursor.failure("duplicate member name") }
                    slot = try cursor.parseValue(depth: 1)
                }
                func named(_ literal: StaticString) -> Bool { JSONCursor.name(name, is: literal) }
                switch true {
                case named("iss"): try keep(&iss)
                case named("sub"): try keep(&sub)
                case named("aud"): try keep(&aud)
                case named("exp"): try keep(&exp)
                case named("iat"): try keep(&iat)
                case named("nbf"): try keep(&nbf)
                case named("jti"): try keep(&jti)
                case named("client_id"): try keep(&clientID)
                case named("scope"): try keep(&scope)
                case named("act"): try keep(&act)
                case named("cnf"): try keep(&cnf)
                default:
                    guard others.insert(name) else { throw cursor.failure("duplicate member name") }
                    try cursor.skipValue(depth: 1)
                }
            }
            try cursor.expectEnd()
        } catch {
            throw .init(.malformed, detail: "payload is not a strict JSON object")
        }

        func string(_ value: JSONValue?, _ name: String) throws(TokenVerificationError) -> String {
            guard let value else { throw .init(.missingClaim, detail: name) }
            guard let string = value.stringValue, !string.isEmpty else { throw .init(.invalidClaim, detail: name) }
            return string
        }
        func date(_ value: JSONValue?, _ name: String) throws(TokenVerificationError) -> Date? {
            guard let value else { return nil }
            // NumericDate (RFC 7519 §2): seconds since the epoch; non-integer values allowed.
            guard let seconds = value.numberValue, seconds >= 0 else { throw .init(.invalidClaim, detail: name) }
            return Date(timeIntervalSince1970: seconds)
        }

        let audience: [String]
        switch aud {
        case .none: throw .init(.missingClaim, detail: "aud")
        case .string(let single)?: audience = [single]
        case .array(let values)?:
            var list: [String] = []
            for value in values {
                guard let string = value.stringValue else { throw .init(.invalidClaim, detail: "aud") }
                list.append(string)
            }
            audience = list
        default: throw .init(.invalidClaim, detail: "aud")
        }

        let scopes: ScopeSet
        switch scope {
        case .none: scopes = []
        case .string(let value)?:
            do { scopes = try ScopeSet(parsing: value) } catch { throw .init(.invalidClaim, detail: "scope") }
        default: throw .init(.invalidClaim, detail: "scope")
        }

        guard let expiresAt = try date(exp, "exp") else { throw .init(.missingClaim, detail: "exp") }
        guard let issuedAt = try date(iat, "iat") else { throw .init(.missingClaim, detail: "iat") }
        self.init(
            issuer: try string(iss, "iss"),
            subject: try string(sub, "sub"),
            audience: audience,
            expiresAt: expiresAt,
            issuedAt: issuedAt,
            notBefore: try date(nbf, "nbf"),
            tokenID: try string(jti, "jti"),
            clientID: try string(clientID, "client_id"),
            scope: scopes,
            actor: try act.map { value throws(TokenVerificationError) in try ActorClaim(json: value) },
            keyThumbprint: try Self.keyThumbprint(cnf)
        )
    }

    /// The payload as a JSON object, members in a fixed order.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONObjectWriter()
        writer.add("iss", issuer)
        writer.add("sub", subject)
        if audience.count == 1 { writer.add("aud", audience[0]) } else { writer.add("aud", audience) }
        writer.add("exp", expiresAt)
        writer.add("iat", issuedAt)
        if let notBefore { writer.add("nbf", notBefore) }
        writer.add("jti", tokenID)
        writer.add("client_id", clientID)
        if !scope.isEmpty { writer.add("scope", scope.description) }
        if let actor { writer.addRaw("act", actor.jsonBytes()) }
        if let keyThumbprint { writer.addRaw("cnf", JSONValue.object(["jkt": .string(keyThumbprint)]).serialized()) }
        return writer.finish()
    }

    /// `cnf` (RFC 7800 §3.1) with `jkt` (RFC 9449 §6.1). A `cnf` without `jkt` (another
    /// confirmation method, e.g. `x5t#S256` of mTLS) binds the token to something Warden cannot
    /// check: refused rather than accepted as a bearer token.
    static func keyThumbprint(_ cnf: JSONValue?) throws(TokenVerificationError) -> String? {
        guard let cnf else { return nil }
        guard let jkt = cnf.objectValue?["jkt"]?.stringValue, !jkt.isEmpty, Base64URL.decodeCanonical(jkt.utf8)?.count == 32 else {
            throw .init(.invalidClaim, detail: "cnf")
        }
        return jkt
    }
}

extension ActorClaim {
    init(json: JSONValue) throws(TokenVerificationError) {
        guard let object = json.objectValue, let subject = object["sub"]?.stringValue, !subject.isEmpty else {
            throw .init(.invalidClaim, detail: "act")
        }
        let previous: ActorClaim? = if let nested = object["act"] { try ActorClaim(json: nested) } else { nil }
        self.init(subject: subject, previous: previous)
    }

    /// The claim as JSON: `{"sub": …, "act": {…}}`.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONObjectWriter()
        writer.add("sub", subject)
        if let previous { writer.addRaw("act", previous.value.jsonBytes()) }
        return writer.finish()
    }
}
