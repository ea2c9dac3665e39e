import ArgumentParser
import Foundation
import Hummingbird
import NIOCore
import ScopesTutorial
import ScopesTutorialCore

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

    @Option(help: ArgumentHelp("Trust tokens from this Warden authorization server (its issuer URL) instead of minting its own.", valueName: "url"))
    var authorizationServer: String?

    func validate() throws {
        if let server = authorizationServer, !TutorialConfiguration.isIssuerURL(server) {
            throw ValidationError("--authorization-server must be Warden's issuer URL, e.g. http://127.0.0.1:8080")
        }
    }

    func run() async throws {
        var configuration = TutorialConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.authorizationServer = authorizationServer
        let app = try await buildTutorialApplication(configuration: configuration)
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            // Say it plainly: a second tutorial on the same port would otherwise leave the first
            // one answering (a tutorial trusting Warden has no POST /token).
            throw CleanFailure("cannot listen on \(host):\(port): the address is in use (another scopes-tutorial, or another program); stop it first or choose another --port")
        }
    }
}

/// A failure told in one line ("Error: …", exit code 1), without usage text.
struct CleanFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
