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

    @OptionGroup var options: TutorialOptions

    func run() async throws {
        let app = try await buildTutorialApplication(configuration: options.configuration)
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            // Say it plainly: a second tutorial on the same port would otherwise leave the first
            // one answering (a tutorial trusting Warden has no POST /token).
            throw options.portInUse
        }
    }
}
