import ServiceLifecycle

/// A closure as a swift-service-lifecycle service (``TracingBootstrap/run(alongside:logger:_:)``).
struct BodyService: Service {
    let body: @Sendable () async throws -> Void

    func run() async throws {
        try await body()
    }
}
