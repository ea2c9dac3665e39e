public import Logging
public import ServiceLifecycle
import UnixSignals

extension TracingBootstrap {
    /// Runs `body` as a service beside `tracing` (when on) in one `ServiceGroup` that stops on
    /// SIGTERM and SIGINT: when `body` returns or a signal comes, the group shuts down gracefully
    /// and the exporter sends the spans still queued (a process that simply exits loses them).
    /// `body` may wait for the signal with swift-service-lifecycle's `gracefulShutdown()`; with
    /// `cancellingOnSignal`, a signal cancels it instead (a run that does not wait for one: Ctrl-C
    /// must stop it) and this throws `CancellationError`.
    public static func run<T: Sendable>(
        alongside tracing: (any Service)?,
        logger: Logger,
        cancellingOnSignal: Bool = false,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let result = ResultBox<T>()
        let main = BodyService {
            if cancellingOnSignal {
                try await cancelWhenGracefulShutdown {
                    let value: T
                    do { value = try await body() } catch {
                        // Failed while cancelled — a server it was talking to stopped with it, say:
                        // the signal is the cause, not that error.
                        if Task.isCancelled { throw CancellationError() }
                        throw error
                    }
                    // A body that finished its work half cancelled has no result to give.
                    try Task.checkCancellation()
                    result.set(value)
                }
            } else {
                result.set(try await body())
            }
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let tracing { services.append(.init(service: tracing)) }
        services.append(.init(service: main, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        return try result.get()
    }
}
