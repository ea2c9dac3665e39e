import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import ScopesTutorial
public import ScopesTutorialCore
import ScopesTutorialVapor
import Vapor
public import WardenCore

/// The two builds of the tutorial app. Every tutorial test (`ScopesTutorialTests`,
/// `TutorialAgainstWardenTests`) runs against both, over a real socket, with one HTTP client:
/// the same requests must get the same answers.
public enum TutorialBuild: String, CaseIterable, CustomStringConvertible, Sendable {
    case hummingbird
    case vapor

    public var description: String { rawValue }

    /// Starts this build on a free loopback port, runs `body` with a client for it, stops it.
    public func withRunningApp(
        configuration: TutorialConfiguration,
        signingKey: SigningKey? = nil,
        _ body: @Sendable (TutorialClient) async throws -> Void
    ) async throws {
        var configuration = configuration
        configuration.port = 0
        switch self {
        case .hummingbird:
            let app = try await buildTutorialApplication(configuration: configuration, signingKey: signingKey)
            try await app.test(.live) { client in
                guard let port = client.port else { throw NoPortError() }
                try await body(TutorialClient(port: port))
            }
        case .vapor:
            let app = try await buildTutorialVaporApplication(configuration: configuration, signingKey: signingKey, environment: .testing)
            do {
                try await app.asyncBoot()
                try await app.server.start(address: .hostname("127.0.0.1", port: 0))
                guard let port = app.http.server.shared.localAddress?.port else { throw NoPortError() }
                try await body(TutorialClient(port: port))
            } catch {
                await app.server.shutdown()
                try await app.asyncShutdown()
                throw error
            }
            await app.server.shutdown()
            try await app.asyncShutdown()
        }
    }

    /// A build that started without a port to report.
    struct NoPortError: Error {}
}
