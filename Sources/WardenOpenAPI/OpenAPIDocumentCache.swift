import Synchronization

/// Builds the OpenAPI JSON once, on first use (routes are all declared by then).
package final class OpenAPIDocumentCache: Sendable {
    private let builder: OpenAPIDocumentBuilder
    private let registry: OpenAPIRouteRegistry
    private let prepare: @Sendable () -> Void
    /// The registry is filled once (`prepared`), even if building the document then fails.
    private let cached = Mutex<(prepared: Bool, bytes: [UInt8]?)>((false, nil))

    /// `prepare` runs once, before the document is first built: an adapter that reads its
    /// framework's routes (WardenVapor) fills the registry there.
    package init(builder: OpenAPIDocumentBuilder, registry: OpenAPIRouteRegistry, prepare: @escaping @Sendable () -> Void = {}) {
        self.builder = builder
        self.registry = registry
        self.prepare = prepare
    }

    package func bytes() throws -> [UInt8] {
        // Under the lock: two first requests at once must not fill the registry twice.
        try cached.withLock { cached in
            if let bytes = cached.bytes { return bytes }
            if !cached.prepared {
                prepare()
                cached.prepared = true
            }
            let bytes = try builder.json(for: registry)
            cached.bytes = bytes
            return bytes
        }
    }
}
