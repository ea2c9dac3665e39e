import Foundation

extension AccessTokenClaims {
    /// Reads claims from a verified payload. Every claim RFC 9068 §2.2 requires must be present
    /// and well-typed; `scope` must follow RFC 6749 §3.3.
    init(json payload: [String: JSONValue]) throws(TokenVerificationError) {
        func string(_ name: String) throws(TokenVerificationError) -> String {
            guard let value = payload[name] else { throw .init(.missingClaim, detail: name) }
            guard let string = value.stringValue, !string.isEmpty else { throw .init(.invalidClaim, detail: name) }
            return string
        }
        func date(_ name: String, required: Bool) throws(TokenVerificationError) -> Date? {
            guard let value = payload[name] else {
                if required { throw .init(.missingClaim, detail: name) }
                return nil
            }
            // NumericDate (RFC 7519 §2): seconds since the epoch; non-integer values allowed.
            guard let seconds = value.numberValue, seconds >= 0 else { throw .init(.invalidClaim, detail: name) }
            return Date(timeIntervalSince1970: seconds)
        }

        let audience: [String]
        switch payload["aud"] {
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

        let scope: ScopeSet
        switch payload["scope"] {
        case .none: scope = []
        case .string(let value)?:
            do { scope = try ScopeSet(parsing: value) } catch { throw .init(.invalidClaim, detail: "scope") }
        default: throw .init(.invalidClaim, detail: "scope")
        }

        let actor: ActorClaim?
        if let act = payload["act"] {
            actor = try ActorClaim(json: act)
        } else {
            actor = nil
        }

        self.init(
            issuer: try string("iss"),
            subject: try string("sub"),
            audience: audience,
            expiresAt: try date("exp", required: true)!,
            issuedAt: try date("iat", required: true)!,
            notBefore: try date("nbf", required: false),
            tokenID: try string("jti"),
            clientID: try string("client_id"),
            scope: scope,
            actor: actor
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
        return writer.finish()
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
