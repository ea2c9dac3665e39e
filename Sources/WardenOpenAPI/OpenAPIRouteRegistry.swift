public import HTTPTypes
public import OpenAPIKit
import Synchronization
public import WardenCore

/// Collects the routes of an application as they are declared: protected routes record
/// themselves with their added-up scope requirement; public routes are added with
/// ``addPublic(method:template:summary:)`` (or a framework adapter's `addPublic(method:path:)`).
/// ``OpenAPIDocumentBuilder`` turns it into a document. Framework-neutral: paths are OpenAPI
/// templates (`/orders/{id}`); each adapter turns its own route paths into them.
public final class OpenAPIRouteRegistry: Sendable {
    public struct Operation: Sendable, Equatable {
        public let method: HTTPRequest.Method
        /// OpenAPI path template (`/orders/{id}`).
        public let path: String
        /// `nil` for a public operation; `.none` for one that needs only a valid token.
        public let requirement: ScopeRequirement?
        public let summary: String?
        /// A fully described operation (parameters, request body, every response), used as is
        /// instead of the one-line default; `nil` for the default.
        public let described: OpenAPI.Operation?
    }

    private let storage = Mutex<[Operation]>([])

    public init() {}

    public var operations: [Operation] { storage.withLock { $0 } }

    /// Records a route that needs a token and `requirement` (`.none`: any valid token).
    public func add(method: HTTPRequest.Method, template: String, requirement: ScopeRequirement, summary: String?) {
        let operation = Operation(method: method, path: template, requirement: requirement, summary: summary, described: nil)
        storage.withLock { $0.append(operation) }
    }

    /// Records a route that needs no token.
    public func addPublic(method: HTTPRequest.Method, template: String, summary: String? = nil) {
        let operation = Operation(method: method, path: template, requirement: nil, summary: summary, described: nil)
        storage.withLock { $0.append(operation) }
    }

    /// Records a route that needs no token, described whole by `operation` (its `operationId`
    /// is filled in when missing).
    public func addPublic(method: HTTPRequest.Method, template: String, operation: OpenAPI.Operation) {
        let recorded = Operation(method: method, path: template, requirement: nil, summary: operation.summary, described: operation)
        storage.withLock { $0.append(recorded) }
    }

    /// The paths declared, each with its methods (for `405 Method Not Allowed` with `Allow`).
    public var methodsByPath: [String: [HTTPRequest.Method]] {
        var result: [String: [HTTPRequest.Method]] = [:]
        for operation in operations where !(result[operation.path]?.contains(operation.method) ?? false) {
            result[operation.path, default: []].append(operation.method)
        }
        return result
    }
}
