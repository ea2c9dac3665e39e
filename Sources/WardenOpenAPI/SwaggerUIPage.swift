import Foundation
import WardenCore

/// The `/docs` page: Swagger UI over `/openapi.json`, with the header fields it is served with.
/// Built once per application; each framework adapter writes `html` and `headerFields` as they
/// are (WardenHummingbird's and WardenVapor's `addOpenAPIRoutes`).
///
/// The page's script and stylesheet come from `assets` (jsDelivr, at a pinned release with
/// Subresource Integrity, unless told otherwise). Its Content-Security-Policy allows those two
/// files, its own inline script (by hash), `/openapi.json` and the builder's token endpoints, and
/// nothing else (`SwaggerUIAssets+ContentSecurityPolicy.swift`).
public struct SwaggerUIPage: Sendable {
    /// The whole page (UTF-8).
    public let html: String
    /// `Content-Type`, `Content-Security-Policy`, `X-Content-Type-Options`, `Referrer-Policy`.
    public let headerFields: [(name: String, value: String)]

    public init(builder: OpenAPIDocumentBuilder, assets: SwaggerUIAssets = .jsDelivr) {
        self.html = Self.page(title: builder.title, assets: assets)
        let tokenEndpoints = [builder.passwordTokenURL, builder.clientCredentialsTokenURL, builder.authorizationCodeURLs?.token]
            .compactMap { $0 }
        self.headerFields = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", assets.contentSecurityPolicy(inlineScript: Self.inlineScript, connectingTo: tokenEndpoints)),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ]
    }

    /// The page's one inline script, written between `<script>` and `</script>` exactly as it is
    /// here: the Content-Security-Policy allows it by the SHA-256 of these bytes.
    package static var inlineScript: String {
        "window.ui = SwaggerUIBundle({ url: \"/openapi.json\", dom_id: \"#swagger-ui\" });"
    }

    /// Shown until Swagger UI draws the page over it, and left when its files cannot be loaded
    /// (offline, blocked by a proxy): a blank page said nothing about why. Constant HTML.
    package static var fallback: String {
        #"Loading the API explorer… If this text stays, its files could not be loaded (offline, or blocked on the way; they come from the address in this page's source). The API description itself is at <a href="/openapi.json">/openapi.json</a>."#
    }

    package static func page(title: String, assets: SwaggerUIAssets) -> String {
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
            <div id="swagger-ui"><p>\(Self.fallback)</p></div>
            <script src="\(escaped(assets.script))"\(integrity(assets.scriptIntegrity))></script>
            <script>\(inlineScript)</script>
            </body>
            </html>
            """
    }
}
