import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension RouterMethods {
    /// Serves the document at `GET /openapi.json` and a Swagger UI page at `GET /docs`, whose
    /// script and stylesheet come from `swaggerUI` (jsDelivr, at a pinned release with Subresource
    /// Integrity, unless told otherwise). The page carries a Content-Security-Policy that allows
    /// those two files, its own inline script (by hash), `/openapi.json` and the builder's token
    /// endpoints, and nothing else (`SwaggerUIAssets+ContentSecurityPolicy.swift`).
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
        // The page and its headers are the same for every request: built once, here.
        let page = ByteBuffer(string: Self.swaggerPage(title: builder.title, assets: swaggerUI))
        let tokenEndpoints = [builder.passwordTokenURL, builder.clientCredentialsTokenURL, builder.authorizationCodeURLs?.token]
            .compactMap { $0 }
        let headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: swaggerUI.contentSecurityPolicy(inlineScript: Self.swaggerInlineScript, connectingTo: tokenEndpoints),
            .xContentTypeOptions: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        get("docs") { _, _ in
            Response(status: .ok, headers: headers, body: .init(byteBuffer: page))
        }
        return self
    }

    /// The page's one inline script, written between `<script>` and `</script>` exactly as it is
    /// here: the Content-Security-Policy allows it by the SHA-256 of these bytes.
    static var swaggerInlineScript: String {
        "window.ui = SwaggerUIBundle({ url: \"/openapi.json\", dom_id: \"#swagger-ui\" });"
    }

    static func swaggerPage(title: String, assets: SwaggerUIAssets) -> String {
        func escaped(_ text: String) -> String { HTMLEscaping.escape(text) }
        // ` integrity="…" crossorigin="anonymous"` (W3C SRI: a cross-origin file is checked only
        // when fetched with CORS), or nothing without integrity metadata.
        func integrity(_ metadata: String?) -> String {
            metadata.map { #" integrity="\#(escaped($0))" crossorigin="anonymous""# } ?? ""
        }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(escaped(title)) – API docs</title>
            <link rel="stylesheet" href="\(escaped(assets.stylesheet))"\(integrity(assets.stylesheetIntegrity))>
            </head>
            <body>
            <noscript>The API description is at <a href="/openapi.json">/openapi.json</a>.</noscript>
            <div id="swagger-ui"></div>
            <script src="\(escaped(assets.script))"\(integrity(assets.scriptIntegrity))></script>
            <script>\(swaggerInlineScript)</script>
            </body>
            </html>
            """
    }
}
