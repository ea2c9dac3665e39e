import ArgumentParser
import Foundation
import NIOCore
import ScopesTutorialCore
import ScopesTutorialVapor
import Vapor

/// `scopes-tutorial-vapor`: the FastAPI "OAuth2 scopes" tutorial app on Warden and Vapor, with
/// the options of `scopes-tutorial` (the Hummingbird build).
@main
struct ScopesTutorialVaporCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scopes-tutorial-vapor",
        abstract: "The FastAPI OAuth2-scopes tutorial app on Warden and Vapor: users johndoe/secret and alice/secretalice (disabled)."
    )

    @ArgumentParser.Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @ArgumentParser.Option(help: "Port to listen on.")
    var port = 8000

    @ArgumentParser.Option(help: ArgumentHelp("Trust tokens from this Warden authorization server (its issuer URL) instead of minting its own.", valueName: "url"))
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
        // Vapor's own `serve` command runs the app (signals, graceful shutdown); host and port
        // are already in its configuration.
        let environment = Environment(name: "production", arguments: [CommandLine.arguments.first ?? "scopes-tutorial-vapor", "serve"])
        let app = try await buildTutorialVaporApplication(configuration: configuration, environment: environment)
        do {
            try await app.execute()
            try await app.asyncShutdown()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            try? await app.asyncShutdown()
            throw CleanFailure("cannot listen on \(host):\(port): the address is in use (another scopes-tutorial, or another program); stop it first or choose another --port")
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}

/// A failure told in one line ("Error: …", exit code 1), without usage text.
struct CleanFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
