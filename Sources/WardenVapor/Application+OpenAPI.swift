import HTTPTypes
import NIOCore
public import Vapor
import WardenCore
public import WardenOpenAPI

extension Application {
    /// Serves this application's OpenAPI document at `GET /openapi.json` and a Swagger UI page at
    /// `GET /docs` (``SwaggerUIPage``: pinned assets with Subresource Integrity, a strict
    /// Content-Security-Policy), the same document and page as WardenHummingbird's
    /// `addOpenAPIRoutes`.
    ///
    /// The document describes every route of the application, read on the first request (all
    /// routes are registered by then): the routes of ``ProtectedRoutes`` with their added-up
    /// scopes as security requirements (``Vapor/Route/scopeRequirement``), the others as public;
    /// a route's `.description(…)` is its summary. Vapor's `:name` parameters become `{name}`.
    public func addOpenAPIRoutes(builder: OpenAPIDocumentBuilder, swaggerUI: SwaggerUIAssets = .jsDelivr) {
        let registry = OpenAPIRouteRegistry()
        let routes = self.routes
        let document = OpenAPIDocumentCache(builder: builder, registry: registry) {
            for route in routes.all where !route.isExcludedFromOpenAPI {
                // A method that is not an HTTP token (`.RAW` can be anything) cannot be described.
                guard let method = HTTPRequest.Method(route.method.rawValue) else { continue }
                let template = Self.openAPITemplate(route.path)
                let summary = route.userInfo["description"] as? String
                if let requirement = route.scopeRequirement {
                    registry.add(method: method, template: template, requirement: requirement, summary: summary)
                } else {
                    registry.addPublic(method: method, template: template, summary: summary)
                }
            }
        }
        get("openapi.json") { _ in
            Response(
                status: .ok,
                headers: ["Content-Type": "application/json"],
                body: .init(buffer: ByteBuffer(bytes: try document.bytes()))
            )
        }.description("This API's OpenAPI document")
        let swagger = SwaggerUIPage(builder: builder, assets: swaggerUI)
        var headers = HTTPHeaders()
        for field in swagger.headerFields { headers.add(name: field.name, value: field.value) }
        let page = ByteBuffer(string: swagger.html)
        // Not an operation of the API (WardenHummingbird leaves it out too).
        get("docs") { [headers] _ in
            Response(status: .ok, headers: headers, body: .init(buffer: page))
        }.excludedFromOpenAPI()
    }

    /// `/orders/{id}` for Vapor's `orders/:id`; `*` and `**` (which OpenAPI cannot express) as
    /// `{anything}` and `{catchall}`.
    static func openAPITemplate(_ path: [PathComponent]) -> String {
        let parts = path.map { component -> String in
            switch component {
            case .constant(let text): text
            case .parameter(let name): "{\(name)}"
            case .anything: "{anything}"
            case .catchall: "{catchall}"
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
