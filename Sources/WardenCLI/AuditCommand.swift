import ArgumentParser
import Foundation
import WardenCore
import WardenServer

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log, or audit permissions.",
        subcommands: [Log.self, Permissions.self],
        defaultSubcommand: Log.self
    )

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Show the audit log, newest first (issuances, refreshes, exchanges, revocations, key rotations, failed logins, alerts); the default."
        )
        @Option(help: "How many records.") var limit = 50
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1…100000") }
            let events = try await store.withStore(existing: true) { try await $0.auditEvents(limit: limit) }
            output.print(.array(events.map(AuditCommand.json)), text: events.map(AuditCommand.line).joined(separator: "\n"))
        }
    }

    /// `warden audit permissions` (issue 14): what each client may have against what its tokens
    /// carried, and what the services' routes require.
    struct Permissions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "permissions",
            abstract: "Audit permissions: each client's allowed scopes, the scopes its tokens carried, the ones never carried (least-privilege suggestions), its refusals; the scopes the services' routes require.",
            discussion: "Read from the audit log (kept --audit-retention days), so the window cannot reach further back than that."
        )
        @Option(help: ArgumentHelp("The window, back from now: 30d, 24h, 90m or 3600s.", valueName: "duration")) var since = "30d"
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let seconds = DurationText.seconds(since) else { throw ValidationError("--since is a duration such as 30d, 24h, 90m or 3600s") }
            let audit = try await store.withStore(existing: true) { try await PermissionAudit.run(on: $0, since: Date().addingTimeInterval(-seconds)) }
            output.print(audit.json, text: Self.text(audit))
        }

        static func text(_ audit: PermissionAudit) -> String {
            func safe(_ text: String) -> String { PrintableText.escaped(text) }
            func list(_ values: [String]) -> String { values.isEmpty ? "-" : values.map(safe).joined(separator: " ") }
            var lines = ["permission audit since \(AlertRecord.rfc3339(audit.since))\(audit.isPartial ? " (partial: the first \(PermissionAudit.maximumRows) rows)" : "")"]
            for client in audit.clients {
                lines.append("client \(safe(client.clientID))\tallowed: \(list(client.allowedScopes))\tused: \(list(client.usedScopes))\tnever used: \(list(client.unusedScopes))\trefusals: \(client.refusals)")
            }
            for service in audit.services {
                for route in service.routes {
                    lines.append("service \(safe(service.service))\troute \(safe(route.route))\trequires: \(route.requirement.map(safe) ?? list(route.requiredScopes))")
                }
            }
            return lines.joined(separator: "\n")
        }
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
