import ArgumentParser
import Foundation
import WardenCore
import WardenServer

/// `warden alerts`: what detection found (issue 14), most recently seen first.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Show alerts on abnormal permission use (credential guessing, refresh-token reuse, …), most recently seen first."
    )
    @Option(help: "How many alerts.") var limit = 50
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1…100000") }
        let alerts = try await store.withStore(existing: true) { try await $0.alerts(limit: limit) }
        output.print(.array(alerts.map(\.json)), text: alerts.isEmpty ? "no alerts" : alerts.map(Self.line).joined(separator: "\n"))
    }

    /// One alert as a line for a terminal; everything that may come from a request escaped
    /// (``PrintableText``).
    static func line(_ alert: AlertRecord) -> String {
        func safe(_ text: String) -> String { PrintableText.escaped(text) }
        // A summary is made of escaped names (AlertCenter): escaped again only if something
        // unprintable got into the database (a review found `\u{1B}` shown as `\u{5C}u{1B}`).
        let summary = PrintableText.showsAsIs(alert.summary) ? alert.summary : safe(alert.summary)
        var line = "\(AlertRecord.rfc3339(alert.lastSeen))\t\(alert.severity)\t\(alert.kind)\t×\(alert.count)\t\(summary)"
        if let subject = alert.subject { line += "\tsub=\(safe(subject))" }
        if let client = alert.clientID { line += "\tclient=\(safe(client))" }
        if let service = alert.service { line += "\tservice=\(safe(service))" }
        return line + "\tid=\(alert.id)"
    }
}
