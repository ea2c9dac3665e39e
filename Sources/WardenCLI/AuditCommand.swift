import ArgumentParser
import Foundation
import WardenCore
import WardenServer

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log, newest first (issuances, refreshes, exchanges, revocations, key rotations, failed logins)."
    )
    @Option(help: "How many records.") var limit = 50
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1…100000") }
        let events = try await store.withStore(existing: true) { try await $0.auditEvents(limit: limit) }
        output.print(.array(events.map(Self.json)), text: events.map(Self.line).joined(separator: "\n"))
    }

    /// One event as a line for a terminal. Every value that may come from a request is escaped
    /// (``PrintableText``): a client id or user name with a newline or an ANSI sequence cannot
    /// forge another line or rewrite the screen.
    static func line(_ event: AuditEvent) -> String {
        func safe(_ text: String) -> String { PrintableText.escaped(text) }
        var line = "\(event.at)\t\(safe(event.event))\t\(safe(event.outcome))"
        if let client = event.clientID { line += "\tclient=\(safe(client))" }
        if let subject = event.subject { line += "\tsub=\(safe(subject))" }
        if let scope = event.scope { line += "\tscope=\"\(safe(scope))\"" }
        if let jti = event.tokenID { line += "\tjti=\(safe(jti))" }
        if let detail = event.detail { line += "\t\(safe(detail))" }
        return line
    }

    static func json(_ event: AuditEvent) -> JSONValue {
        var members: [String: JSONValue] = [
            "at": .number(event.at.timeIntervalSince1970),
            "event": .string(event.event),
            "outcome": .string(event.outcome),
        ]
        if let id = event.id { members["id"] = .number(Double(id)) }
        if let value = event.clientID { members["client_id"] = .string(value) }
        if let value = event.subject { members["sub"] = .string(value) }
        if let value = event.scope { members["scope"] = .string(value) }
        if let value = event.tokenID { members["jti"] = .string(value) }
        if let value = event.detail { members["detail"] = .string(value) }
        return .object(members)
    }
}
