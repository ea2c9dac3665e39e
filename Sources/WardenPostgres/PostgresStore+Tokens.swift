public import Foundation
import PostgresNIO
import WardenCore
public import WardenServer

extension PostgresStore {
    public func storeRefreshToken(_ token: RefreshTokenRecord) async throws(StoreError) {
        try await rows("""
            INSERT INTO warden_refresh_tokens (hash, family_id, client_id, subject, scope, audience, issued_at, expires_at, key_thumbprint)
            VALUES (\(Self.bytes(token.hash)), \(token.familyID), \(token.clientID), \(token.subject), \(token.scope.description),
                    \(StoredText.text(lines: token.audience)), \(Self.seconds(token.issuedAt)), \(Self.seconds(token.expiresAt)), \(token.keyThumbprint))
            """)
    }

    public func redeemRefreshToken(hash: [UInt8], at now: Date, rotatedInto successor: [UInt8]) async throws(StoreError) -> SingleUseRedemption<RefreshTokenRecord> {
        // One statement: of concurrent redemptions (on any node) exactly one sees used_at IS NULL.
        let redeemed = try await rows("""
            UPDATE warden_refresh_tokens SET used_at = \(Self.seconds(now)), replaced_by = \(Self.bytes(successor))
            WHERE hash = \(Self.bytes(hash)) AND used_at IS NULL AND revoked_at IS NULL RETURNING *
            """)
        if let row = redeemed.first { return .redeemed(try Self.refreshToken(row)) }
        if let existing = try await refreshToken(hash: hash) { return .alreadyUsed(existing) }
        return .notFound
    }

    public func refreshTokenRotation(hash: [UInt8]) async throws(StoreError) -> RefreshTokenRotation? {
        let rows = try await rows("""
            SELECT used_at, replaced_by FROM warden_refresh_tokens
            WHERE hash = \(Self.bytes(hash)) AND used_at IS NOT NULL AND replaced_by IS NOT NULL AND revoked_at IS NULL
            """)
        guard let row = rows.first else { return nil }
        return RefreshTokenRotation(usedAt: try row.date("used_at"), successor: try row.bytes("replaced_by"))
    }

    public func revokeUnusedRefreshToken(hash: [UInt8], at now: Date) async throws(StoreError) -> Bool {
        !(try await rows("""
            UPDATE warden_refresh_tokens SET revoked_at = \(Self.seconds(now))
            WHERE hash = \(Self.bytes(hash)) AND used_at IS NULL AND revoked_at IS NULL RETURNING hash
            """)).isEmpty
    }

    public func replaceRefreshTokenSuccessor(hash: [UInt8], previous: [UInt8], successor: [UInt8]) async throws(StoreError) -> Bool {
        !(try await rows("""
            UPDATE warden_refresh_tokens SET replaced_by = \(Self.bytes(successor))
            WHERE hash = \(Self.bytes(hash)) AND replaced_by = \(Self.bytes(previous)) RETURNING hash
            """)).isEmpty
    }

    public func refreshToken(hash: [UInt8]) async throws(StoreError) -> RefreshTokenRecord? {
        try await rows("SELECT * FROM warden_refresh_tokens WHERE hash = \(Self.bytes(hash))").first.map(Self.refreshToken)
    }

    public func isRefreshTokenActive(hash: [UInt8]) async throws(StoreError) -> Bool {
        !(try await rows("SELECT 1 AS one FROM warden_refresh_tokens WHERE hash = \(Self.bytes(hash)) AND used_at IS NULL AND revoked_at IS NULL")).isEmpty
    }

    public func revokeRefreshTokenFamily(_ familyID: String, at now: Date) async throws(StoreError) {
        try await rows("UPDATE warden_refresh_tokens SET revoked_at = \(Self.seconds(now)) WHERE family_id = \(familyID) AND revoked_at IS NULL")
    }

    static func refreshToken(_ row: PostgresRandomAccessRow) throws(StoreError) -> RefreshTokenRecord {
        RefreshTokenRecord(
            hash: try row.bytes("hash"), familyID: try row.string("family_id"), clientID: try row.string("client_id"),
            subject: try row.string("subject"), scope: try row.scopes("scope"), audience: try row.lines("audience"),
            issuedAt: try row.date("issued_at"), expiresAt: try row.date("expires_at"),
            keyThumbprint: try row.optionalString("key_thumbprint")
        )
    }

    public func storeAuthorizationCode(_ code: AuthorizationCodeRecord) async throws(StoreError) {
        try await rows("""
            INSERT INTO warden_authorization_codes (hash, client_id, subject, scope, audience, redirect_uri, code_challenge, family_id, expires_at, dpop_jkt)
            VALUES (\(Self.bytes(code.hash)), \(code.clientID), \(code.subject), \(code.scope.description), \(StoredText.text(lines: code.audience)),
                    \(code.redirectURI), \(code.codeChallenge), \(code.familyID), \(Self.seconds(code.expiresAt)), \(code.dpopKeyThumbprint))
            """)
    }

    public func redeemAuthorizationCode(hash: [UInt8], at now: Date) async throws(StoreError) -> SingleUseRedemption<AuthorizationCodeRecord> {
        let redeemed = try await rows("""
            UPDATE warden_authorization_codes SET used_at = \(Self.seconds(now)) WHERE hash = \(Self.bytes(hash)) AND used_at IS NULL RETURNING *
            """)
        if let row = redeemed.first { return .redeemed(try Self.authorizationCode(row)) }
        if let row = try await rows("SELECT * FROM warden_authorization_codes WHERE hash = \(Self.bytes(hash))").first {
            return .alreadyUsed(try Self.authorizationCode(row))
        }
        return .notFound
    }

    public func authorizationCode(hash: [UInt8]) async throws(StoreError) -> AuthorizationCodeRecord? {
        try await rows("SELECT * FROM warden_authorization_codes WHERE hash = \(Self.bytes(hash))").first.map(Self.authorizationCode)
    }

    static func authorizationCode(_ row: PostgresRandomAccessRow) throws(StoreError) -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            hash: try row.bytes("hash"), clientID: try row.string("client_id"), subject: try row.string("subject"),
            scope: try row.scopes("scope"), audience: try row.lines("audience"), redirectURI: try row.string("redirect_uri"),
            codeChallenge: try row.string("code_challenge"), familyID: try row.string("family_id"), expiresAt: try row.date("expires_at"),
            dpopKeyThumbprint: try row.optionalString("dpop_jkt")
        )
    }

    public func recordIssuedToken(_ token: IssuedTokenRecord) async throws(StoreError) {
        try await rows("""
            INSERT INTO warden_issued_tokens (jti, family_id, client_id, subject, expires_at, derived_from)
            VALUES (\(token.tokenID), \(token.familyID), \(token.clientID), \(token.subject), \(Self.seconds(token.expiresAt)),
                    \(token.derivedFrom.joined(separator: " ")))
            """)
    }

    public func issuedTokens(subject: String, liveAt now: Date) async throws(StoreError) -> [IssuedTokenRecord] {
        try await rows("SELECT * FROM warden_issued_tokens WHERE subject = \(subject) AND expires_at > \(Self.seconds(now))").map(Self.issuedToken)
    }

    public func revokeIssuedTokens(derivedFrom clientID: String, liveAt now: Date) async throws(StoreError) {
        try await addToRevocationFeed("""
            INSERT INTO warden_revocations (jti, expires_at, revoked_at)
            SELECT jti, expires_at, \(Self.seconds(now)) FROM warden_issued_tokens
            WHERE derived_from <> '' AND \(clientID) = ANY (string_to_array(derived_from, ' '))
              AND expires_at > \(Self.seconds(now)) AND client_id <> \(clientID)
            ORDER BY expires_at
            ON CONFLICT (jti) DO NOTHING
            """)
    }

    public func refreshTokenFamilies(subject: String, liveAt now: Date) async throws(StoreError) -> [String] {
        try await rows("""
            SELECT DISTINCT family_id FROM warden_refresh_tokens
            WHERE subject = \(subject) AND used_at IS NULL AND revoked_at IS NULL AND expires_at > \(Self.seconds(now))
            ORDER BY family_id
            """).map { (row) throws(StoreError) in try row.string("family_id") }
    }

    public func issuedToken(id: String) async throws(StoreError) -> IssuedTokenRecord? {
        try await rows("SELECT * FROM warden_issued_tokens WHERE jti = \(id)").first.map(Self.issuedToken)
    }

    public func issuedTokens(family familyID: String) async throws(StoreError) -> [IssuedTokenRecord] {
        try await rows("SELECT * FROM warden_issued_tokens WHERE family_id = \(familyID)").map(Self.issuedToken)
    }

    static func issuedToken(_ row: PostgresRandomAccessRow) throws(StoreError) -> IssuedTokenRecord {
        IssuedTokenRecord(
            tokenID: try row.string("jti"), familyID: try row.optionalString("family_id"), clientID: try row.string("client_id"),
            subject: try row.string("subject"), expiresAt: try row.date("expires_at"),
            derivedFrom: (try row.optionalString("derived_from") ?? "").split(separator: " ").map(String.init)
        )
    }

    public func revoke(tokenID: String, expiresAt: Date, at now: Date) async throws(StoreError) -> RevocationRecord {
        try await addToRevocationFeed("""
            INSERT INTO warden_revocations (jti, expires_at, revoked_at) VALUES (\(tokenID), \(Self.seconds(expiresAt)), \(Self.seconds(now)))
            ON CONFLICT (jti) DO NOTHING
            """)
        guard let row = try await rows("SELECT * FROM warden_revocations WHERE jti = \(tokenID)").first else {
            throw StoreError(.corrupt, "revocation vanished")
        }
        return try Self.revocation(row)
    }

    /// Runs `insert` (rows into `warden_revocations`) serialized by a transaction-scoped advisory
    /// lock, so cursors are assigned in commit order — a reader that saw cursor N never later
    /// finds a new entry below N — and tells every listening node once, when it commits.
    private func addToRevocationFeed(_ insert: PostgresQuery) async throws(StoreError) {
        try await translate { [self] in
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.revocationLock))", logger: logger)
                    try await connection.query(insert, logger: logger)
                    try await connection.query("SELECT pg_notify(\(Self.changeChannel), 'revocation')", logger: logger)
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    public func isRevoked(tokenID: String) async throws(StoreError) -> Bool {
        !(try await rows("SELECT 1 AS one FROM warden_revocations WHERE jti = \(tokenID)")).isEmpty
    }

    public func revocations(after cursor: Int64, limit: Int) async throws(StoreError) -> [RevocationRecord] {
        try await rows("SELECT * FROM warden_revocations WHERE cursor > \(cursor) ORDER BY cursor LIMIT \(limit)").map(Self.revocation)
    }

    static func revocation(_ row: PostgresRandomAccessRow) throws(StoreError) -> RevocationRecord {
        RevocationRecord(cursor: try row.int("cursor"), tokenID: try row.string("jti"), expiresAt: try row.date("expires_at"), revokedAt: try row.date("revoked_at"))
    }

    public func deleteExpired(before now: Date, auditBefore: Date, limit: Int) async throws(StoreError) -> Int {
        // Batches by ctid (stable within one statement), at most `limit` rows a statement.
        let limit = max(0, limit)
        var deleted = 0
        let time = Self.seconds(now)
        deleted += try await rows("DELETE FROM warden_authorization_codes WHERE ctid IN (SELECT ctid FROM warden_authorization_codes WHERE expires_at < \(time) LIMIT \(limit)) RETURNING hash").count
        deleted += try await rows("DELETE FROM warden_refresh_tokens WHERE ctid IN (SELECT ctid FROM warden_refresh_tokens WHERE expires_at < \(time) LIMIT \(limit)) RETURNING hash").count
        deleted += try await rows("DELETE FROM warden_issued_tokens WHERE ctid IN (SELECT ctid FROM warden_issued_tokens WHERE expires_at < \(time) LIMIT \(limit)) RETURNING jti").count
        deleted += try await rows("DELETE FROM warden_revocations WHERE ctid IN (SELECT ctid FROM warden_revocations WHERE expires_at < \(time - 3600) LIMIT \(limit)) RETURNING cursor").count
        deleted += try await rows("DELETE FROM warden_audit WHERE ctid IN (SELECT ctid FROM warden_audit WHERE at < \(Self.seconds(auditBefore)) LIMIT \(limit)) RETURNING id").count
        deleted += try await rows("""
            DELETE FROM warden_authentication_failures WHERE ctid IN (
                SELECT ctid FROM warden_authentication_failures WHERE last_failure < \(time - 3600) AND locked_until < \(time) LIMIT \(limit))
            RETURNING key
            """).count
        deleted += try await rows("DELETE FROM warden_signal_counts WHERE ctid IN (SELECT ctid FROM warden_signal_counts WHERE first_at < \(time - 86_400) LIMIT \(limit)) RETURNING key").count
        deleted += try await rows("DELETE FROM warden_alerts WHERE ctid IN (SELECT ctid FROM warden_alerts WHERE last_seen < \(Self.seconds(auditBefore)) LIMIT \(limit)) RETURNING id").count
        return deleted
    }
}
