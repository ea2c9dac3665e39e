public import Foundation
import PostgresNIO
public import WardenServer

extension PostgresStore {
    public func appendAudit(_ event: AuditEvent) async throws(StoreError) {
        try await rows("""
            INSERT INTO warden_audit (at, event, client_id, subject, scope, jti, outcome, detail)
            VALUES (\(Self.seconds(event.at)), \(event.event), \(event.clientID), \(event.subject), \(event.scope), \(event.tokenID), \(event.outcome), \(event.detail))
            """)
    }

    public func auditEvents(limit: Int) async throws(StoreError) -> [AuditEvent] {
        try await rows("SELECT * FROM warden_audit ORDER BY id DESC LIMIT \(limit)").map(Self.auditEvent)
    }

    public func auditEvents(since: Date, named events: [String], limit: Int) async throws(StoreError) -> [AuditEvent] {
        guard !events.isEmpty else { return [] }
        return try await rows("""
            SELECT * FROM warden_audit WHERE at >= \(Self.seconds(since)) AND event = ANY(\(events)) ORDER BY id LIMIT \(max(0, limit))
            """).map(Self.auditEvent)
    }

    static func auditEvent(_ row: PostgresRandomAccessRow) throws(StoreError) -> AuditEvent {
        AuditEvent(
            id: try row.int("id"), at: try row.date("at"), event: try row.string("event"),
            clientID: try row.optionalString("client_id"), subject: try row.optionalString("subject"),
            scope: try row.optionalString("scope"), tokenID: try row.optionalString("jti"),
            outcome: try row.string("outcome"), detail: try row.optionalString("detail")
        )
    }
}
