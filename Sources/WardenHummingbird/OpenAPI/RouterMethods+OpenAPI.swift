import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
public import WardenOpenAPI

extension RouterMethods {
    /// Serves the document at `GET /openapi.json` and a Swagger UI page at `GET /docs`
    /// (``SwaggerUIPage``: its assets, its Content-Security-Policy). The document is built once,
    /// on the first request, from the routes declared by then.
    @discardableResult
    public func addOpenAPIRoutes(
        builder: OpenAPIDocumentBuilder,
        registry: OpenAPIRouteRegistry,
        swaggerUI: SwaggerUIAssets = .jsDelivr
    ) -> Self {
        registry.addPublic(method: .get, template: "/openapi.json", summary: "This API's OpenAPI document")
        let document = OpenAPIDocumentCache(builder: builder, registry: registry)
        get("openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try document.bytes()))
            )
        }
        // The page and its headers are the same for every request: built once, here.
        let swagger = SwaggerUIPage(builder: builder, assets: swaggerUI)
        let page = ByteBuffer(string: swagger.html)
        let headers = HTTPFields(swagger.headerFields.map { HTTPField(name: HTTPField.Name($0.name)!, value: $0.value) })
        get("docs") { _, _ in
            Response(status: .ok, headers: headers, body: .init(byteBuffer: page))
        }
        return self
    }
}
