import WardenCore

/// architecture.md decision 3: a token gets requested ∩ client's allowed ∩ user's allowed. Any
/// requested scope outside that, or unknown to the server, is `invalid_scope` (RFC 6749 §5.2);
/// an empty request gets the client's scopes (∩ the user's). Nothing is silently dropped.
enum ScopePolicy {
    static func grant(requested: ScopeSet, client: ClientRecord, user: UserRecord?, known: Set<Scope>) throws -> ScopeSet {
        var allowed = client.scopes
        if let user { allowed = allowed.intersection(user.scopes) }
        if requested.isEmpty {
            // Scopes deleted from the server since the client was created are not granted.
            return ScopeSet(allowed.filter { known.contains($0) })
        }
        guard requested.allSatisfy({ known.contains($0) }) else {
            throw OAuthError.invalidScope("The requested scope is unknown.")
        }
        guard requested.isSubset(of: allowed) else {
            throw OAuthError.invalidScope("The requested scope exceeds what this client or user may have.")
        }
        return requested
    }
}
