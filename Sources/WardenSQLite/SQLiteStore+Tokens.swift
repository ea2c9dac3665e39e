public import Foundation
import SQLiteNIO
import WardenCore
public import WardenServer

extension SQLiteStore {
    // MARK: Refresh tokens

    public func storeRefreshToken(_ token: RefreshTokenRecord) async throws(StoreError) {
        try await query(
            """
            INSERT INTO refresh_tokens (hash, family_id, client_id, subject, scope, audience, issued_at, expires_at, key_thumbprint)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [Self.blob(token.hash), .text(token.familyID), .text(token.clientID), .text(token.subject), .text(token.scope.description), Self.lines(token.audience), Self.date(token.issuedAt), Self.date(token.expiresAt), Self.text(token.keyThumbprint)]
        )
    }

    public func redeemRefreshToken(hash: [UInt8], at now: Date, rotatedInto successor: [UInt8]) async throws(StoreError) -> SingleUseRedemption<RefreshTokenRecord> {
        // One statement: of two concurrent redemptions exactly one sees used_at IS NULL.
        let redeemed = try await query(
            "UPDATE refresh_tokens SET used_at = ?, replaced_by = ? WHERE hash = ? AND used_at IS NULL AND revoked_at IS NULL RETURNING *",
            [Self.date(now), Self.blob(successor), Self.blob(hash)]
        )
        if let row = redeemed.first { return .redeemed(try Self.refreshToken(row)) }
        if let existing = try await refreshToken(hash: hash) { return .alreadyUsed(existing) }
        return .notFound
    }

    public func refreshTokenRotation(hash: [UInt8]) async throws(StoreError) -> RefreshTokenRotation? {
        let rows = try await query(
            "SELECT used_at, replaced_by FROM refresh_tokens WHERE hash = ? AND used_at IS NOT NULL AND replaced_by IS NOT NULL AND revoked_at IS NULL",
            [Self.blob(hash)]
        )
        guard let row = rows.first else { return nil }
        return RefreshTokenRotation(usedAt: try row.date("used_at"), successor: try row.bytes("replaced_by"))
    }

    public func revokeUnusedRefreshToken(hash: [UInt8], at now: Date) async throws(StoreError) -> Bool {
        !(try await query(
            "UPDATE refresh_tokens SET revoked_at = ? WHERE hash = ? AND used_at IS NULL AND revoked_at IS NULL RETURNING hash",
            [Self.date(now), Self.blob(hash)]
        )).isEmpty
    }

    public func replaceRefreshTokenSuccessor(hash: [UInt8], previous: [UInt8], successor: [UInt8]) async throws(StoreError) -> Bool {
        !(try await query(
            "UPDATE refresh_tokens SET replaced_by = ? WHERE hash = ? AND replaced_by = ? RETURNING hash",
            [Self.blob(successor), Self.blob(hash), Self.blob(previous)]
        )).isEmpty
    }

    public func refreshToken(hash: [UInt8]) async throws(StoreError) -> RefreshTokenRecord? {
        try await query("SELECT * FROM refresh_tokens WHERE hash = ?", [Self.blob(hash)]).first.map(Self.refreshToken)
    }

    public func isRefreshTokenActive(hash: [UInt8]) async throws(StoreError) -> Bool {
        !(try await query("SELECT 1 AS one FROM refresh_tokens WHERE hash = ? AND used_at IS NULL AND revoked_at IS NULL", [Self.blob(hash)])).isEmpty
    }

    public func revokeRefreshTokenFamily(_ familyID: String, at now: Date) async throws(StoreError) {
        try await query("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", [Self.date(now), .text(familyID)])
    }

    static func refreshToken(_ row: SQLiteRow) throws(StoreError) -> RefreshTokenRecord {
        RefreshTokenRecord(
            hash: try row.bytes("hash"),
            familyID: try row.string("family_id"),
            clientID: try row.string("client_id"),
            subject: try row.string("subject"),
            scope: try row.scopes("scope"),
            audience: try row.lines("audience"),
            issuedAt: try row.date("issued_at"),
            expiresAt: try row.date("expires_at"),
            keyThumbprint: row.optionalString("key_thumbprint")
        )
    }

    // MARK: Authorization codes

    public func storeAuthorizationCode(_ code: AuthorizationCodeRecord) async throws(StoreError) {
        try await query(
            """
            INSERT INTO authorization_codes (hash, client_id, subject, scope, audience, redirect_uri, code_challenge, family_id, expires_at, dpop_jkt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [Self.blob(code.hash), .text(code.clientID), .text(code.subject), .text(code.scope.description), Self.lines(code.audience), .text(code.redirectURI), .text(code.codeChallenge), .text(code.familyID), Self.date(code.expiresAt), Self.text(code.dpopKeyThumbprint)]
        )
    }

    public func redeemAuthorizationCode(hash: [UInt8], at now: Date) async throws(StoreError) -> SingleUseRedemption<AuthorizationCodeRecord> {
        let redeemed = try await query(
            "UPDATE authorization_codes SET used_at = ? WHERE hash = ? AND used_at IS NULL RETURNING *",
            [Self.date(now), Self.blob(hash)]
        )
        if let row = redeemed.first { return .redeemed(try Self.authorizationCode(row)) }
        if let row = try await query("SELECT * FROM authorization_codes WHERE hash = ?", [Self.blob(hash)]).first {
            return .alreadyUsed(try Self.authorizationCode(row))
        }
        return .notFound
    }

    public func authorizationCode(hash: [UInt8]) async throws(StoreError) -> AuthorizationCodeRecord? {
        try await query("SELECT * FROM authorization_codes WHERE hash = ?", [Self.blob(hash)]).first.map(Self.authorizationCode)
    }

    static func authorizationCode(_ row: SQLiteRow) throws(StoreError) -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            hash: try row.bytes("hash"),
            clientID: try row.string("client_id"),
            subject: try row.string("subject"),
            scope: try row.scopes("scope"),
            audience: try row.lines("audience"),
            redirectURI: try row.string("redirect_uri"),
            codeChallenge: try row.string("code_challenge"),
            familyID: try row.string("family_id"),
            expiresAt: try row.date("expires_at"),
            dpopKeyThumbprint: row.optionalString("dpop_jkt")
        )
    }

    // MARK: Issued access tokens

    public func recordIssuedToken(_ token: IssuedTokenRecord) async throws(StoreError) {
        try await query(
            "INSERT INTO issued_tokens (jti, family_id, client_id, subject, expires_at, derived_from) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(token.tokenID), Self.text(token.familyID), .text(token.clientID), .text(token.subject), Self.date(token.expiresAt),
             .text(token.derivedFrom.joined(separator: " "))]
        )
    }

    public func issuedToken(id: String) async throws(StoreError) -> IssuedTokenRecord? {
        try await query("SELECT * FROM issued_tokens WHERE jti = ?", [.text(id)]).first.map(Self.issuedToken)
    }

    public func issuedTokens(family familyID: String) async throws(StoreError) -> [IssuedTokenRecord] {
        try await query("SELECT * FROM issued_tokens WHERE family_id = ?", [.text(familyID)]).map(Self.issuedToken)
    }

    public func issuedTokens(subject: String, liveAt now: Date) async throws(StoreError) -> [IssuedTokenRecord] {
        try await query("SELECT * FROM issued_tokens WHERE subject = ? AND expires_at > ?", [.text(subject), Self.date(now)]).map(Self.issuedToken)
    }

    public func revokeIssuedTokens(derivedFrom clientID: String, liveAt now: Date) async throws(StoreError) {
        // Whole ids only: a client id has no space, and both sides are padded with one.
        try await query(
            """
            INSERT OR IGNORE INTO revocations (jti, expires_at, revoked_at)
            SELECT jti, expires_at, ? FROM issued_tokens
            WHERE derived_from <> '' AND instr(' ' || derived_from || ' ', ?) > 0 AND expires_at > ? AND client_id <> ?
            ORDER BY expires_at
            """,
            [Self.date(now), .text(" \(clientID) "), Self.date(now), .text(clientID)]
        )
    }

    public func refreshTokenFamilies(subject: String, liveAt now: Date) async throws(StoreError) -> [String] {
        try await query(
            "SELECT DISTINCT family_id FROM refresh_tokens WHERE subject = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY family_id",
            [.text(subject), Self.date(now)]
        ).map { (row) throws(StoreError) in try row.string("family_id") }
    }

    static func issuedToken(_ row: SQLiteRow) throws(StoreError) -> IssuedTokenRecord {
        IssuedTokenRecord(
            tokenID: try row.string("jti"),
            familyID: row.optionalString("family_id"),
            clientID: try row.string("client_id"),
            subject: try row.string("subject"),
            expiresAt: try row.date("expires_at"),
            derivedFrom: (row.optionalString("derived_from") ?? "").split(separator: " ").map(String.init)
        )
    }

    // MARK: Revocations

    public func revoke(tokenID: String, expiresAt: Date, at now: Date) async throws(StoreError) -> RevocationRecord {
        try await query(
            "INSERT OR IGNORE INTO revocations (jti, expires_at, revoked_at) VALUES (?, ?, ?)",
            [.text(tokenID), Self.date(expiresAt), Self.date(now)]
        )
        guard let row = try await query("SELECT * FROM revocations WHERE jti = ?", [.text(tokenID)]).first else {
            throw StoreError(.corrupt, "revocation vanished")
        }
        return try Self.revocation(row)
    }

    public func isRevoked(tokenID: String) async throws(StoreError) -> Bool {
        !(try await query("SELECT 1 AS one FROM revocations WHERE jti = ?", [.text(tokenID)])).isEmpty
    }

    public func revocations(after cursor: Int64, limit: Int) async throws(StoreError) -> [RevocationRecord] {
        try await query(
            "SELECT * FROM revocations WHERE cursor > ? ORDER BY cursor LIMIT ?",
            [.integer(SQLiteInt64(cursor)), .integer(SQLiteInt64(limit))]
        ).map(Self.revocation)
    }

    static func revocation(_ row: SQLiteRow) throws(StoreError) -> RevocationRecord {
        RevocationRecord(cursor: try row.int("cursor"), tokenID: try row.string("jti"), expiresAt: try row.date("expires_at"), revokedAt: try row.date("revoked_at"))
    }

    // MARK: Cleanup

    public func deleteExpired(before now: Date, auditBefore: Date, limit: Int) async throws(StoreError) -> Int {
        // Batches by rowid (every table here has one), at most `limit` rows a statement.
        func delete(_ table: String, where condition: String, _ values: [SQLiteData]) async throws(StoreError) -> Int {
            try await query(
                "DELETE FROM \(table) WHERE rowid IN (SELECT rowid FROM \(table) WHERE \(condition) LIMIT ?) RETURNING rowid",
                values + [.integer(max(0, limit))]
            ).count
        }
        var deleted = 0
        let time = Self.date(now)
        deleted += try await delete("authorization_codes", where: "expires_at < ?", [time])
        deleted += try await delete("refresh_tokens", where: "expires_at < ?", [time])
        deleted += try await delete("issued_tokens", where: "expires_at < ?", [time])
        // Keep revocations a while past expiry for verifiers' leeway; the cursor keeps counting up.
        deleted += try await delete("revocations", where: "expires_at < ?", [Self.date(now.addingTimeInterval(-3600))])
        deleted += try await delete("audit", where: "at < ?", [Self.date(auditBefore)])
        deleted += try await delete("authentication_failures", where: "last_failure < ? AND locked_until < ?", [Self.date(now.addingTimeInterval(-3600)), time])
        deleted += try await delete("signal_counts", where: "first_at < ?", [Self.date(now.addingTimeInterval(-86_400))])
        deleted += try await delete("alerts", where: "last_seen < ?", [Self.date(auditBefore)])
        return deleted
    }
}
