import Logging
import ServiceLifecycle
import WardenClient
import WardenCore
import WardenTesting

/// A resource server's view of the authorization server, as a service would run it: the JWKS
/// and the revocation feed of one node (``AuthorizationServerConnection``), a verifier for one
/// audience trusting the shared issuer. Runs the connection's services around `body`.
enum ResourceServer {
    static func with<T: Sendable>(
        subscribedTo node: any LoopbackHTTPTarget, issuer: String, audience: String,
        _ body: @Sendable (AccessTokenVerifier<RemoteJWKSKeySet>) async throws -> T
    ) async throws -> T {
        let connection = AuthorizationServerConnection(issuer: node.baseURL)
        let verifier = AccessTokenVerifier(configuration: .init(issuer: issuer, audience: audience), keys: connection.keys, revocations: connection.revocations)
        let group = ServiceGroup(configuration: .init(services: connection.services, gracefulShutdownSignals: [], logger: Logger(label: "resource-server")))
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            do {
                let result = try await body(verifier)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// Whether `verifier` refuses `token` as revoked.
    static func refusesAsRevoked(_ verifier: AccessTokenVerifier<RemoteJWKSKeySet>, _ token: String) async -> Bool {
        await verifier.refusal(of: token) == .revoked
    }
}
