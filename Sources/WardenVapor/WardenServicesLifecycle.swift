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
    /// How long a graceful shutdown may take before the services are cancelled.
    let shutdownTimeout: Duration
    private let running = Mutex<(group: ServiceGroup, task: Task<Void, Never>)?>(nil)

    public init(_ services: [any Service], shutdownTimeout: Duration = .seconds(10), logger: Logger = Logger(label: "warden.vapor.services")) {
        self.services = services
        self.shutdownTimeout = shutdownTimeout
        self.logger = logger
    }

    public func didBootAsync(_ application: Application) async throws {
        if Self.serves(application) { start() }
    }

    /// Vapor's synchronous boot (its in-memory test client uses it) starts them the same way.
    public func didBoot(_ application: Application) throws {
        if Self.serves(application) { start() }
    }

    /// Whether the application boots to serve requests: Vapor boots for every command, and
    /// `routes` or `migrate` should not reach out to the authorization server. No command (the
    /// default, `serve`) or `serve` serves; so does an app booted by Vapor's test client.
    static func serves(_ application: Application) -> Bool {
        guard let command = application.environment.arguments.dropFirst().first, !command.hasPrefix("-") else { return true }
        return command == "serve"
    }

    /// Shuts the services down gracefully, and cancels them if they take longer than
    /// `shutdownTimeout`, so the application's shutdown is bounded.
    public func shutdownAsync(_ application: Application) async {
        guard let (group, task) = running.withLock({ state in defer { state = nil }; return state }) else { return }
        await group.triggerGracefulShutdown()
        let timeout = shutdownTimeout
        let logger = logger
        await withTaskGroup(of: Bool.self) { waiting in
            waiting.addTask { await task.value; return true }
            waiting.addTask { (try? await Task.sleep(for: timeout)) != nil ? false : true }
            if await waiting.next() == false {
                logger.warning("Warden's background services did not stop within \(timeout); cancelling them")
                task.cancel()
            }
            waiting.cancelAll()
        }
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
