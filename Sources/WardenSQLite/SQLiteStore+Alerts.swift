public import Foundation
import SQLiteNIO
public import WardenServer

extension SQLiteStore {
    public func countSignal(key: String, adding occurrences: Int, at now: Date, windowStart: Date) async throws(StoreError) -> Int {
        // One upsert statement, so concurrent occurrences all count. Every SET expression reads
        // the row as it was: a window that has ended becomes the previous one.
        let rows = try await query(
            """
            INSERT INTO signal_counts (key, occurrences, first_at, previous, previous_at) VALUES (?, ?, ?, 0, 0)
            ON CONFLICT (key) DO UPDATE SET
                previous = CASE WHEN first_at < ? THEN occurrences ELSE previous END,
                previous_at = CASE WHEN first_at < ? THEN first_at ELSE previous_at END,
                occurrences = CASE WHEN first_at < ? THEN excluded.occurrences ELSE occurrences + excluded.occurrences END,
                first_at = CASE WHEN first_at < ? THEN excluded.first_at ELSE first_at END
            RETURNING occurrences, previous, previous_at
            """,
            [.text(key), .integer(max(1, occurrences)), Self.date(now), Self.date(windowStart), Self.date(windowStart), Self.date(windowStart), Self.date(windowStart)]
        )
        guard let row = rows.first else { throw StoreError(.corrupt, "signal count vanished") }
        return SignalWindow.estimate(current: Int(try row.int("occurrences")), previous: Int(try row.int("previous")), previousStart: try row.date("previous_at"), now: now, windowStart: windowStart)
    }

    public func recordAlert(_ alert: AlertRecord, ongoingSince: Date) async throws(StoreError) -> (alert: AlertRecord, isNew: Bool) {
        if let extended = try await extendAlert(alert, ongoingSince: ongoingSince) { return (extended, false) }
        try await query(
            """
            INSERT INTO alerts (id, kind, key, severity, summary, subject, client_id, service, occurrences, window_seconds, first_seen, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(alert.id), .text(alert.kind), .text(alert.key), .text(alert.severity), .text(alert.summary), Self.text(alert.subject),
             Self.text(alert.clientID), Self.text(alert.service), .integer(alert.count), .integer(alert.windowSeconds),
             Self.date(alert.firstSeen), Self.date(alert.lastSeen)]
        )
        return (alert, true)
    }

    public func extendAlert(_ alert: AlertRecord, ongoingSince: Date) async throws(StoreError) -> AlertRecord? {
        let extended = try await query(
            """
            UPDATE alerts SET occurrences = occurrences + ?, last_seen = max(last_seen, ?), summary = ?
            WHERE id = (SELECT id FROM alerts WHERE kind = ? AND key = ? AND last_seen >= ? ORDER BY last_seen DESC LIMIT 1)
            RETURNING *
            """,
            [.integer(alert.count), Self.date(alert.lastSeen), .text(alert.summary), .text(alert.kind), .text(alert.key), Self.date(ongoingSince)]
        )
        return try extended.first.map(Self.alert)
    }

    public func alerts(limit: Int) async throws(StoreError) -> [AlertRecord] {
        try await query("SELECT * FROM alerts ORDER BY last_seen DESC, rowid DESC LIMIT ?", [.integer(max(0, limit))]).map(Self.alert)
    }

    public func recordScopeUses(clientID: String, scopes: [String], at now: Date) async throws(StoreError) -> ScopeUseRecord {
        var firstUses: [String] = []
        // In slices, within SQLite's limit on bound values. `DO NOTHING` returns only the rows
        // this statement inserted: each first use is told to one caller.
        for start in stride(from: 0, to: scopes.count, by: 200) {
            let slice = scopes[start..<min(start + 200, scopes.count)]
            let rows = try await query(
                "INSERT INTO scope_uses (client_id, scope, first_seen) VALUES \(Array(repeating: "(?, ?, ?)", count: slice.count).joined(separator: ", ")) ON CONFLICT DO NOTHING RETURNING scope",
                slice.flatMap { [SQLiteData.text(clientID), .text($0), Self.date(now)] }
            )
            for row in rows { firstUses.append(try row.string("scope")) }
        }
        let since = try await query("SELECT min(first_seen) AS since FROM scope_uses WHERE client_id = ?", [.text(clientID)])
        let watchedSince = since.first?.column("since")?.double.map(Date.init(timeIntervalSince1970:)) ?? now
        return ScopeUseRecord(firstUses: firstUses, watchedSince: watchedSince)
    }

    static func alert(_ row: SQLiteRow) throws(StoreError) -> AlertRecord {
        AlertRecord(
            id: try row.string("id"), kind: try row.string("kind"), key: try row.string("key"), severity: try row.string("severity"),
            summary: try row.string("summary"), subject: row.optionalString("subject"), clientID: row.optionalString("client_id"),
            service: row.optionalString("service"), count: Int(try row.int("occurrences")), windowSeconds: Int(try row.int("window_seconds")),
            firstSeen: try row.date("first_seen"), lastSeen: try row.date("last_seen")
        )
    }

    /// One machine: its clock is the servers' (``AuthorizationStore/currentTime()``).
    public func currentTime() async throws(StoreError) -> Date { Date() }
}
