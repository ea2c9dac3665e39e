public import Foundation
import SQLiteNIO
public import WardenServer

extension SQLiteStore {
    public func countAuthenticationFailure(key: String, at now: Date, resetBefore: Date) async throws(StoreError) -> Int {
        // One upsert statement, so concurrent failures all count.
        let rows = try await query(
            """
            INSERT INTO authentication_failures (key, failures, last_failure, locked_until) VALUES (?, 1, ?, 0)
            ON CONFLICT (key) DO UPDATE SET
                failures = CASE WHEN last_failure < ? THEN 1 ELSE failures + 1 END,
                last_failure = excluded.last_failure
            RETURNING failures
            """,
            [.text(key), Self.date(now), Self.date(resetBefore)]
        )
        guard let row = rows.first else { throw StoreError(.corrupt, "failure count vanished") }
        return Int(try row.int("failures"))
    }

    public func lockAuthentication(key: String, until: Date) async throws(StoreError) {
        try await query("UPDATE authentication_failures SET locked_until = max(locked_until, ?) WHERE key = ?", [Self.date(until), .text(key)])
    }

    public func authenticationLockouts(at now: Date, limit: Int) async throws(StoreError) -> [String: Date] {
        let rows = try await query(
            "SELECT key, locked_until FROM authentication_failures WHERE locked_until > ? ORDER BY locked_until DESC LIMIT ?",
            [Self.date(now), .integer(SQLiteInt64(limit))]
        )
        var lockouts: [String: Date] = [:]
        for row in rows { lockouts[try row.string("key")] = try row.date("locked_until") }
        return lockouts
    }

    public func clearAuthenticationFailures(key: String, at now: Date) async throws(StoreError) {
        try await query("DELETE FROM authentication_failures WHERE key = ? AND locked_until <= ?", [.text(key), Self.date(now)])
    }
}
