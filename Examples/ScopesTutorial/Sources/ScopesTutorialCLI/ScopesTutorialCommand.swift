import ArgumentParser
import Hummingbird
import ScopesTutorial

/// `scopes-tutorial`: the FastAPI "OAuth2 scopes" tutorial app, rebuilt on Warden.
@main
struct ScopesTutorialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scopes-tutorial",
        abstract: "The FastAPI OAuth2-scopes tutorial app on Warden: users johndoe/secret and alice/secretalice (disabled)."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8000

    func run() async throws {
        var configuration = TutorialConfiguration()
        configuration.host = host
        configuration.port = port
        let app = try await buildTutorialApplication(configuration: configuration)
        try await app.runService()
    }
}
