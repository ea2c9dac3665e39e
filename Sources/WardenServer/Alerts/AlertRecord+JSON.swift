public import Foundation
public import WardenCore

extension AlertRecord {
    /// The alert as webhooks receive it and `warden alerts --json` prints it (issue 14):
    /// `{"id", "kind", "severity", "summary", "subject", "client_id", "service", "count",
    /// "window_seconds", "first_seen", "last_seen"}`, times in RFC 3339 (UTC), absent values
    /// `null`.
    public var json: JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            "id": .string(id), "kind": .string(kind), "severity": .string(severity), "summary": .string(summary),
            "subject": optional(subject), "client_id": optional(clientID), "service": optional(service),
            "count": .number(Double(count)), "window_seconds": .number(Double(windowSeconds)),
            "first_seen": .string(Self.rfc3339(firstSeen)), "last_seen": .string(Self.rfc3339(lastSeen)),
        ])
    }

    /// RFC 3339 §5.6 `date-time` in UTC with milliseconds (`2026-12-01T14:05:09.123Z`).
    public static func rfc3339(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
