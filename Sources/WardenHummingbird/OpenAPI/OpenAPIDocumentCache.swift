import Synchronization

/// Builds the OpenAPI JSON once, on first use (routes are all declared by then).
final class OpenAPIDocumentCache: Sendable {
    private let builder: OpenAPIDocumentBuilder
    private let registry: OpenAPIRouteRegistry
    private let cached = Mutex<[UInt8]?>(nil)

    init(builder: OpenAPIDocumentBuilder, registry: OpenAPIRouteRegistry) {
        self.builder = builder
        self.registry = registry
    }

    func bytes() throws -> [UInt8] {
        if let bytes = cached.withLock({ $0 }) { return bytes }
        let bytes = try builder.json(for: registry)
        cached.withLock { $0 = bytes }
        return bytes
    }
}
