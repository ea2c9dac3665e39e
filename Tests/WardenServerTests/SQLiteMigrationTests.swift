import Foundation
import SQLiteNIO
import Testing
import WardenCore
import WardenServer
import WardenSQLite

/// A database file written by an older Warden opens and gains what the newer schema added.
@Suite struct SQLiteMigrationTests {
    @Test func aVersionOneFileGainsTheRotationColumnAndKeepsItsRows() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("migration-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let old = RefreshTokenRecord(hash: OpaqueToken.hash("old"), familyID: "f", clientID: "c", subject: "s", scope: ["a"], audience: ["x"], issuedAt: now, expiresAt: now.addingTimeInterval(60))
        let first = try await SQLiteStore.open(path: path)
        try await first.storeRefreshToken(old)
        try await first.close()

        // Make the file look like version 1: no replaced_by, no failure counters.
        let raw = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await raw.query("ALTER TABLE refresh_tokens DROP COLUMN replaced_by")
        _ = try await raw.query("ALTER TABLE refresh_tokens DROP COLUMN key_thumbprint")
        _ = try await raw.query("DROP TABLE authentication_failures")
        _ = try await raw.query("ALTER TABLE users DROP COLUMN sessions_not_before")
        _ = try await raw.query("ALTER TABLE issued_tokens DROP COLUMN derived_from")
        _ = try await raw.query("INSERT INTO issued_tokens (jti, family_id, client_id, subject, expires_at) VALUES ('old-jti', 'f', 'svc', 's', 1800000060)")
        _ = try await raw.query("UPDATE settings SET value = '1' WHERE name = 'schema_version'")
        try await raw.close()

        let store = try await SQLiteStore.open(path: path)
        #expect(try await store.setting("schema_version", defaultingTo: "?") == "7")
        // A token recorded before lineages were kept reads as derived from nothing.
        #expect(try await store.issuedToken(id: "old-jti")?.derivedFrom == [])
        let user = UserRecord(name: "u", passwordHash: "h", scopes: [], createdAt: now, sessionsNotBefore: now)
        try await store.createUser(user)
        #expect(try await store.user(named: "u") == user)
        #expect(try await store.refreshToken(hash: old.hash) == old)
        guard case .redeemed = try await store.redeemRefreshToken(hash: old.hash, at: now, rotatedInto: [7]) else {
            Issue.record("the migrated row must be redeemable")
            return
        }
        #expect(try await store.refreshTokenRotation(hash: old.hash) == RefreshTokenRotation(usedAt: now, successor: [7]))
        #expect(try await store.countAuthenticationFailure(key: "user:x", at: now, resetBefore: now) == 1)
        try await store.close()
    }
}
