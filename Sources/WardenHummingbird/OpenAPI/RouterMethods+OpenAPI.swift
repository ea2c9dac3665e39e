import Foundation
import Hummingbird
import NIOCore

extension RouterMethods {
    /// Serves the document at `GET /openapi.json` and a Swagger UI page at `GET /docs`, whose
    /// script and stylesheet come from `swaggerUI` (jsDelivr unless told otherwise).
    /// The document is built once, on the first request, from the routes declared by then.
    @discardableResult
    public func addOpenAPIRoutes(
        builder: OpenAPIDocumentBuilder,
        registry: OpenAPIRouteRegistry,
        swaggerUI: SwaggerUIAssets = .jsDelivr
    ) -> Self {
        registry.addPublic(method: .get, path: "/openapi.json", summary: "This API's OpenAPI document")
        let document = OpenAPIDocumentCache(builder: builder, registry: registry)
        get("openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try document.bytes()))
            )
        }
        get("docs") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: Self.swaggerPage(title: builder.title, assets: swaggerUI)))
            )
        }
        return self
    }

    static func swaggerPage(title: String, assets: SwaggerUIAssets) -> String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        let safeTitle = escaped(title)
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(safeTitle) – API docs</title>
            <link rel="stylesheet" href="\(escaped(assets.stylesheet))">
            </head>
            <body>
            <noscript>The API description is at <a href="/openapi.json">/openapi.json</a>.</noscript>
            <div id="swagger-ui"></div>
            <script src="\(escaped(assets.script))"></script>
            <script>
            window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
            </script>
            </body>
            </html>
            """
    }
}
