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

    @OptionGroup var options: TutorialOptions

    func run() async throws {
        // Vapor's own `serve` command runs the app (signals, graceful shutdown); host and port
        // are already in its configuration.
        let environment = Environment(name: "production", arguments: [CommandLine.arguments.first ?? "scopes-tutorial-vapor", "serve"])
        let app = try await buildTutorialVaporApplication(configuration: options.configuration, environment: environment)
        do {
            try await app.execute()
            try await app.asyncShutdown()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            try? await app.asyncShutdown()
            throw options.portInUse
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
