import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import ScopesTutorial
import ScopesTutorialCore
import ServiceLifecycle
import WardenExecutor
import WardenTelemetry

/// `scopes-tutorial`: the FastAPI "OAuth2 scopes" tutorial app, rebuilt on Warden.
@main
struct ScopesTutorialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scopes-tutorial",
        abstract: "The FastAPI OAuth2-scopes tutorial app on Warden: users johndoe/secret and alice/secretalice (disabled)."
    )

    @OptionGroup var options: TutorialOptions

    /// Swift's tasks on NIO's event loops, as `warden` runs them (README "Speed"): installed
    /// first, on the main thread (NIO requires it there), before the arguments are parsed.
    static func main() async {
        EventLoopGlobalExecutor.install()
        await main(nil)
    }

    func run() async throws {
        // Tracing (issue 16) before the app makes its verifier and routes; off unless OTEL_*
        // asks for it. The app runs in a service group with the exporter, stopped by SIGTERM or
        // SIGINT (the exporter last, sending what is queued).
        let logger = Logger(label: "scopes-tutorial")
        let tracing: (any Service)?
        do { tracing = try TracingBootstrap.bootstrapFromEnvironment(serviceName: "scopes-tutorial", logger: logger) } catch {
            throw error  // one line, no usage text: a setting, not a usage mistake
        }
        let app = try await buildTutorialApplication(configuration: options.configuration, logger: logger)
        do {
            try await TracingBootstrap.run(alongside: tracing, logger: logger) { try await app.run() }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            // Say it plainly: a second tutorial on the same port would otherwise leave the first
            // one answering (a tutorial trusting Warden has no POST /token).
            throw options.portInUse
        }
    }
}
