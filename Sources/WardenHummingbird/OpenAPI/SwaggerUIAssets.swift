/// Where the `/docs` page loads Swagger UI from. The default is the jsDelivr CDN, as FastAPI's
/// `/docs` does; a deployment without outside access, or with a Content-Security-Policy that
/// names its own origins, serves `swagger-ui-dist`'s two files itself and points here.
public struct SwaggerUIAssets: Sendable, Hashable {
    /// `swagger-ui-bundle.js`
    public var script: String
    /// `swagger-ui.css`
    public var stylesheet: String

    public init(script: String, stylesheet: String) {
        self.script = script
        self.stylesheet = stylesheet
    }

    /// swagger-ui-dist 5 from cdn.jsdelivr.net.
    public static let jsDelivr = SwaggerUIAssets(
        script: "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js",
        stylesheet: "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"
    )

    /// Both files under one path prefix, e.g. `/static/swagger-ui` for
    /// `/static/swagger-ui/swagger-ui-bundle.js` and `/static/swagger-ui/swagger-ui.css`.
    public static func selfHosted(under prefix: String) -> SwaggerUIAssets {
        let base = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        return SwaggerUIAssets(script: base + "/swagger-ui-bundle.js", stylesheet: base + "/swagger-ui.css")
    }
}
