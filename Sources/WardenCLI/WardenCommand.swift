public import ArgumentParser

/// `warden`: the authorization server and its administration.
public struct WardenCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Warden: an OAuth 2 authorization server, on a SQLite file or a PostgreSQL database.",
        discussion: """
            Exit codes: 0 done; 1 refused (exists already, not found) or unexpected error; \
            64 usage mistake; 69 database unreachable or unopenable; 70 stored data \
            unreadable; 78 configuration (master key, database URL, config file).
            """,
        subcommands: [ServeCommand.self, ScopeCommand.self, ClientCommand.self, UserCommand.self, KeysCommand.self, TokenCommand.self, AuditCommand.self, AlertsCommand.self]
    )

    public init() {}
}
