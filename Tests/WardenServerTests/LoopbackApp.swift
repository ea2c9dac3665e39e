import Hummingbird
import Logging
import ServiceLifecycle

/// Runs a test's own Hummingbird router on a free loopback port for the duration of `body`,
/// passing its base URL (`http://127.0.0.1:PORT`). `beforeShutdown` runs after `body`, whether it
/// threw or not, before the graceful shutdown (to end answers that would otherwise stay open).
enum LoopbackApp {
    static func run<Context: InitializableFromSource<ApplicationRequestContextSource>>(
        _ router: Router<Context>,
        label: String,
        beforeShutdown: @Sendable () -> Void = {},
        _ body: @Sendable (String) async throws -> Void
    ) async throws {
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress!.port!) }
        )
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: label)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // However the server ends, the wait for its port below ends too (no hang).
                defer { ready.continuation.finish() }
                try await services.run()
            }
            var iterator = ready.stream.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()
                throw CancellationError()  // ended without an error and without serving
            }
            var failure: (any Error)?
            do {
                try await body("http://127.0.0.1:\(port)")
            } catch {
                failure = error
            }
            beforeShutdown()
            await services.triggerGracefulShutdown()
            if let failure { throw failure }
        }
    }
}
