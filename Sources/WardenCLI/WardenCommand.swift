import ArgumentParser

/// `warden`: the authorization server and its administration.
public struct WardenCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Warden: an OAuth 2 authorization server with an embedded SQLite store.",
        subcommands: [ServeCommand.self, ScopeCommand.self, ClientCommand.self, UserCommand.self, KeysCommand.self, TokenCommand.self, AuditCommand.self]
    )

    public init() {}
}
