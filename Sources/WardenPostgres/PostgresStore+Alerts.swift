public import Foundation
import PostgresNIO
public import WardenServer

extension PostgresStore {
    public func countSignal(key: String, adding occurrences: Int, at now: Date, windowStart: Date) async throws(StoreError) -> Int {
        // One upsert statement, so concurrent occurrences on every node all count. Every SET
        // expression reads the row as it was: a window that has ended becomes the previous one.
        let start = Self.seconds(windowStart)
        let result = try await rows("""
            INSERT INTO warden_signal_counts AS s (key, occurrences, first_at, previous, previous_at)
            VALUES (\(key), \(Int64(max(1, occurrences))), \(Self.seconds(now)), 0, 0)
            ON CONFLICT (key) DO UPDATE SET
                previous = CASE WHEN s.first_at < \(start) THEN s.occurrences ELSE s.previous END,
                previous_at = CASE WHEN s.first_at < \(start) THEN s.first_at ELSE s.previous_at END,
                occurrences = CASE WHEN s.first_at < \(start) THEN excluded.occurrences ELSE s.occurrences + excluded.occurrences END,
                first_at = CASE WHEN s.first_at < \(start) THEN excluded.first_at ELSE s.first_at END
            RETURNING occurrences, previous, previous_at
            """)
        guard let row = result.first else { throw StoreError(.corrupt, "signal count vanished") }
        return SignalWindow.estimate(current: Int(try row.int("occurrences")), previous: Int(try row.int("previous")), previousStart: try row.date("previous_at"), now: now, windowStart: windowStart)
    }

    public func recordAlert(_ alert: AlertRecord, ongoingSince: Date) async throws(StoreError) -> (alert: AlertRecord, isNew: Bool) {
        if let extended = try await extendAlert(alert, ongoingSince: ongoingSince) { return (extended, false) }
        try await rows("""
            INSERT INTO warden_alerts (id, kind, key, severity, summary, subject, client_id, service, occurrences, window_seconds, first_seen, last_seen)
            VALUES (\(alert.id), \(alert.kind), \(alert.key), \(alert.severity), \(alert.summary), \(alert.subject), \(alert.clientID), \(alert.service),
                    \(alert.count), \(alert.windowSeconds), \(Self.seconds(alert.firstSeen)), \(Self.seconds(alert.lastSeen)))
            """)
        return (alert, true)
    }

    public func extendAlert(_ alert: AlertRecord, ongoingSince: Date) async throws(StoreError) -> AlertRecord? {
        let extended = try await rows("""
            UPDATE warden_alerts SET occurrences = occurrences + \(alert.count), last_seen = GREATEST(last_seen, \(Self.seconds(alert.lastSeen))),
                summary = \(alert.summary)
            WHERE id = (SELECT id FROM warden_alerts WHERE kind = \(alert.kind) AND key = \(alert.key) AND last_seen >= \(Self.seconds(ongoingSince))
                        ORDER BY last_seen DESC LIMIT 1)
            RETURNING *
            """)
        return try extended.first.map(Self.alert)
    }

    public func alerts(limit: Int) async throws(StoreError) -> [AlertRecord] {
        try await rows("SELECT * FROM warden_alerts ORDER BY last_seen DESC, id DESC LIMIT \(max(0, limit))").map(Self.alert)
    }

    static func alert(_ row: PostgresRandomAccessRow) throws(StoreError) -> AlertRecord {
        AlertRecord(
            id: try row.string("id"), kind: try row.string("kind"), key: try row.string("key"), severity: try row.string("severity"),
            summary: try row.string("summary"), subject: try row.optionalString("subject"), clientID: try row.optionalString("client_id"),
            service: try row.optionalString("service"), count: Int(try row.int("occurrences")), windowSeconds: Int(try row.int("window_seconds")),
            firstSeen: try row.date("first_seen"), lastSeen: try row.date("last_seen")
        )
    }

    public func recordScopeUses(clientID: String, scopes: [String], at now: Date) async throws(StoreError) -> ScopeUseRecord {
        // `DO NOTHING` returns only the rows this statement inserted: each first use is told to
        // one caller, on whichever node.
        let inserted = try await rows("""
            INSERT INTO warden_scope_uses (client_id, scope, first_seen)
            SELECT \(clientID), scope, \(Self.seconds(now)) FROM unnest(\(scopes)::text[]) AS scope
            ON CONFLICT DO NOTHING RETURNING scope
            """)
        let firstUses = try inserted.map { row throws(StoreError) in try row.string("scope") }
        let since = try await rows("SELECT min(first_seen) AS since FROM warden_scope_uses WHERE client_id = \(clientID)")
        let watchedSince = (try? since.first?["since"].decode(Double?.self)).flatMap { $0 }.map(Date.init(timeIntervalSince1970:)) ?? now
        return ScopeUseRecord(firstUses: firstUses, watchedSince: watchedSince)
    }

    /// The database server's clock (``AuthorizationStore/currentTime()``).
    public func currentTime() async throws(StoreError) -> Date {
        guard let row = try await rows("SELECT extract(epoch FROM clock_timestamp())::double precision AS now").first else {
            throw StoreError(.corrupt, "no time from the database")
        }
        return try row.date("now")
    }
}
