public import Foundation
public import WardenCore

/// One entry of the revocation feed, ordered by its cursor: a revoked `jti` until the token
/// would have expired, or — a **client entry** — every token issued to one client before a time
/// (issue 14: `warden client update` narrowing a client, `client delete`; its client-credentials
/// tokens are not recorded one by one, issue 17).
public struct RevocationRecord: Sendable, Hashable {
    public var cursor: Int64
    /// The revoked `jti`; for a client entry, its stored form (``clientEntryID(clientID:issuedBefore:)``).
    public var tokenID: String
    /// Until when the revoked tokens would have lived.
    public var expiresAt: Date
    public var revokedAt: Date

    public init(cursor: Int64, tokenID: String, expiresAt: Date, revokedAt: Date) {
        self.cursor = cursor
        self.tokenID = tokenID
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    static let clientEntryPrefix = "client-before:"

    /// How a client entry is stored in the `jti` column (no schema change; Warden's own `jti`s
    /// are base64url and never contain `:`): `client-before:<milliseconds>:<client id>`.
    public static func clientEntryID(clientID: String, issuedBefore: Date) -> String {
        "\(clientEntryPrefix)\(Int64((issuedBefore.timeIntervalSince1970 * 1000).rounded(.up))):\(clientID)"
    }

    /// For a client entry: whose tokens, issued before when.
    public var clientEntry: (clientID: String, issuedBefore: Date)? {
        guard tokenID.hasPrefix(Self.clientEntryPrefix) else { return nil }
        let rest = tokenID.dropFirst(Self.clientEntryPrefix.count)
        guard let colon = rest.firstIndex(of: ":"), let milliseconds = Int64(rest[..<colon]) else { return nil }
        return (String(rest[rest.index(after: colon)...]), Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// The entry as the feed sends it (`GET /oauth2/revocations`, the event stream):
    /// `{"jti", "exp"}`, or for a client entry `{"client_id", "iat_before", "exp"}` (NumericDate
    /// seconds; a token whose `iat` is before `iat_before` is revoked).
    public func feedJSON(withCursor: Bool) -> JSONValue {
        var fields: [String: JSONValue] = ["exp": .number(expiresAt.timeIntervalSince1970.rounded(.up))]
        if let (clientID, issuedBefore) = clientEntry {
            fields["client_id"] = .string(clientID)
            fields["iat_before"] = .number(issuedBefore.timeIntervalSince1970.rounded(.up))
        } else {
            fields["jti"] = .string(tokenID)
        }
        if withCursor { fields["cursor"] = .number(Double(cursor)) }
        return .object(fields)
    }

    /// Tells `list` of this entry.
    public func apply(to list: RevocationList) {
        if let (clientID, issuedBefore) = clientEntry {
            list.revokeTokens(ofClient: clientID, issuedBefore: issuedBefore, expiresAt: expiresAt)
        } else {
            list.revoke(tokenID: tokenID, expiresAt: expiresAt)
        }
    }
}
