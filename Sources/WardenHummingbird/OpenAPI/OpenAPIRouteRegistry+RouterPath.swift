public import HTTPTypes
public import Hummingbird
public import OpenAPIKit
import WardenCore
public import WardenOpenAPI

extension OpenAPIRouteRegistry {
    /// Records a Hummingbird route that needs no token.
    public func addPublic(method: HTTPRequest.Method, path: RouterPath, summary: String? = nil) {
        addPublic(method: method, template: Self.template(path), summary: summary)
    }

    /// Records a Hummingbird route that needs no token, described whole by `operation`.
    public func addPublic(method: HTTPRequest.Method, path: RouterPath, operation: OpenAPI.Operation) {
        addPublic(method: method, template: Self.template(path), operation: operation)
    }

    func add(method: HTTPRequest.Method, path: RouterPath, requirement: ScopeRequirement, summary: String?) {
        add(method: method, template: Self.template(path), requirement: requirement, summary: summary)
    }

    /// Hummingbird renders captures as `{name}`, which is OpenAPI's template syntax too.
    static func template(_ path: RouterPath) -> String {
        path.components.isEmpty ? "/" : "/" + path.components.map(\.description).joined(separator: "/")
    }
}
