public import Foundation
import SQLiteNIO
public import WardenServer

extension SQLiteStore {
    public func appendAudit(_ event: AuditEvent) async throws(StoreError) {
        try await query(
            "INSERT INTO audit (at, event, client_id, subject, scope, jti, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [Self.date(event.at), .text(event.event), Self.text(event.clientID), Self.text(event.subject), Self.text(event.scope), Self.text(event.tokenID), .text(event.outcome), Self.text(event.detail)]
        )
    }

    public func auditEvents(limit: Int) async throws(StoreError) -> [AuditEvent] {
        try await query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [.integer(SQLiteInt64(limit))]).map(Self.auditEvent)
    }

    public func auditEvents(since: Date, named events: [String], limit: Int) async throws(StoreError) -> [AuditEvent] {
        guard !events.isEmpty else { return [] }
        let names = Array(repeating: "?", count: events.count).joined(separator: ", ")
        return try await query(
            "SELECT * FROM audit WHERE at >= ? AND event IN (\(names)) ORDER BY id LIMIT ?",
            [Self.date(since)] + events.map(SQLiteData.text) + [.integer(SQLiteInt64(max(0, limit)))]
        ).map(Self.auditEvent)
    }

    static func auditEvent(_ row: SQLiteRow) throws(StoreError) -> AuditEvent {
        AuditEvent(
            id: try row.int("id"),
            at: try row.date("at"),
            event: try row.string("event"),
            clientID: row.optionalString("client_id"),
            subject: row.optionalString("subject"),
            scope: row.optionalString("scope"),
            tokenID: row.optionalString("jti"),
            outcome: try row.string("outcome"),
            detail: row.optionalString("detail")
        )
    }
}
