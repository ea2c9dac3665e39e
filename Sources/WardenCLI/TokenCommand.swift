import ArgumentParser
import Foundation
import WardenCore
import WardenServer

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Access tokens.",
        subcommands: [Revoke.self]
    )

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an access token by its jti: it joins the revocation feed, which subscribed services follow.",
            usage: "warden token revoke <jti> [--lifetime <seconds>] [--database <path-or-url>] [--json]"
        )
        // Any unrecognized word is the jti: tokens minted by older versions (or other servers) may
        // have a base64url jti beginning with "-", which would otherwise read as an option.
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The token's jti (from the audit log or introspection); one beginning with \"-\" needs no `--`.", valueName: "jti"))
        var words: [String] = []
        @Option(help: ArgumentHelp("Keep the entry this many seconds when the token is unknown here (default: the longest token lifetime).", valueName: "seconds"))
        var lifetime = 3600
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            // `--` (which older instructions asked for) is not part of the jti.
            let words = words.first == "--" ? Array(words.dropFirst()) : words
            guard words.count == 1, let jti = words.first else {
                throw ValidationError(words.isEmpty ? "give the jti of the token to revoke" : "give one jti (got \(words.count) words)")
            }
            guard !jti.isEmpty, jti.utf8.count <= 256 else { throw ValidationError("invalid jti") }
            // Every word is taken as the jti, so a mistyped option (`--jsno`) would be revoked as
            // one: jtis are long (Warden's: 32 hex digits; older ones 22 base64url characters).
            if jti.hasPrefix("--"), jti.utf8.count < 16 {
                throw ValidationError("\(jti) is not an option of `warden token revoke` (and too short for a jti)")
            }
            let now = Date()
            let record = try await store.withStore(existing: true) { db in
                // Tokens issued to users are on record with their expiry; others get the longest lifetime.
                let expiresAt = try await db.issuedToken(id: jti)?.expiresAt ?? now.addingTimeInterval(Double(lifetime))
                let record = try await db.revoke(tokenID: jti, expiresAt: expiresAt, at: now)
                try await db.appendAudit(AuditEvent(at: now, event: "token.revoked", tokenID: jti, outcome: "success", detail: "warden token revoke"))
                return record
            }
            output.print(
                .object(["jti": .string(jti), "cursor": .number(Double(record.cursor)), "exp": .number(record.expiresAt.timeIntervalSince1970.rounded(.up))]),
                text: "revoked \(jti) (feed cursor \(record.cursor))"
            )
        }
    }
}
