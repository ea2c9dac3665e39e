public import Logging
public import ServiceLifecycle
import Synchronization
public import Vapor

/// Runs swift-service-lifecycle services (a `RemoteJWKSKeySet`'s refresh, a
/// `RevocationFeedSubscriber`, or `AuthorizationServerConnection.services`) for as long as a
/// Vapor application runs: started when it has booted, shut down gracefully with it.
///
/// ```swift
/// app.lifecycle.use(WardenServicesLifecycle(auth.services))
/// ```
public final class WardenServicesLifecycle: LifecycleHandler {
    let services: [any Service]
    let logger: Logger
    private let running = Mutex<(group: ServiceGroup, task: Task<Void, Never>)?>(nil)

    public init(_ services: [any Service], logger: Logger = Logger(label: "warden.vapor.services")) {
        self.services = services
        self.logger = logger
    }

    public func didBootAsync(_ application: Application) async throws {
        start()
    }

    /// Vapor's synchronous boot (its in-memory test client uses it) starts them the same way.
    public func didBoot(_ application: Application) throws {
        start()
    }

    public func shutdownAsync(_ application: Application) async {
        guard let (group, task) = running.withLock({ state in defer { state = nil }; return state }) else { return }
        await group.triggerGracefulShutdown()
        await task.value
    }

    /// Vapor's synchronous shutdown cannot wait: the services are told to stop and finish on
    /// their own.
    public func shutdown(_ application: Application) {
        guard let (group, _) = running.withLock({ state in defer { state = nil }; return state }) else { return }
        Task { await group.triggerGracefulShutdown() }
    }

    private func start() {
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        let logger = logger
        let task = Task {
            do { try await group.run() } catch { logger.error("Warden's background services stopped", metadata: ["error": "\(error)"]) }
        }
        let previous = running.withLock { state in defer { state = (group, task) }; return state }
        // Booted twice (never in practice): the earlier run is told to stop.
        if let (earlier, _) = previous { Task { await earlier.triggerGracefulShutdown() } }
    }
}
