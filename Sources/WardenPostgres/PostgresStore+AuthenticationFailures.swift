public import Foundation
import PostgresNIO
public import WardenServer

extension PostgresStore {
    public func countAuthenticationFailure(key: String, at now: Date, resetBefore: Date) async throws(StoreError) -> Int {
        // One upsert statement, so concurrent failures on any node all count.
        let rows = try await rows("""
            INSERT INTO warden_authentication_failures AS f (key, failures, last_failure, locked_until)
            VALUES (\(key), 1, \(Self.seconds(now)), 0)
            ON CONFLICT (key) DO UPDATE SET
                failures = CASE WHEN f.last_failure < \(Self.seconds(resetBefore)) THEN 1 ELSE f.failures + 1 END,
                last_failure = excluded.last_failure
            RETURNING failures
            """)
        guard let row = rows.first else { throw StoreError(.corrupt, "failure count vanished") }
        return Int(try row.int("failures"))
    }

    public func lockAuthentication(key: String, until: Date) async throws(StoreError) {
        try await rows("UPDATE warden_authentication_failures SET locked_until = GREATEST(locked_until, \(Self.seconds(until))) WHERE key = \(key)")
        // Every node reloads its lockouts at once instead of at its next refresh.
        try await notify("authentication-lockout")
    }

    public func authenticationLockouts(at now: Date, limit: Int) async throws(StoreError) -> [String: Date] {
        let rows = try await rows("""
            SELECT key, locked_until FROM warden_authentication_failures WHERE locked_until > \(Self.seconds(now))
            ORDER BY locked_until DESC LIMIT \(limit)
            """)
        var lockouts: [String: Date] = [:]
        for row in rows { lockouts[try row.string("key")] = try row.date("locked_until") }
        return lockouts
    }

    public func clearAuthenticationFailures(key: String, at now: Date) async throws(StoreError) {
        try await rows("DELETE FROM warden_authentication_failures WHERE key = \(key) AND locked_until <= \(Self.seconds(now))")
    }
}
