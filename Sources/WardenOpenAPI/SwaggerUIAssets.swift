/// Where the `/docs` page loads Swagger UI from. The default is the jsDelivr CDN, as FastAPI's
/// `/docs` does, but at one exact release whose bytes the browser checks (W3C Subresource
/// Integrity); a deployment without outside access serves `swagger-ui-dist`'s two files itself
/// and points here. The page's Content-Security-Policy allows these two files and no other
/// script or stylesheet (`SwaggerUIAssets+ContentSecurityPolicy.swift`).
public struct SwaggerUIAssets: Sendable, Hashable {
    /// The `swagger-ui-dist` release that ``jsDelivr`` loads. Changing it means changing the two
    /// integrity values with it: `openssl dgst -sha384 -binary FILE | openssl base64 -A` over the
    /// npm package's `swagger-ui-bundle.js` and `swagger-ui.css`.
    public static let pinnedVersion = "5.34.0"

    /// `swagger-ui-bundle.js`
    public var script: String
    /// `swagger-ui.css`
    public var stylesheet: String
    /// Integrity metadata for ``script`` (W3C SRI, "integrity metadata": `sha384-<base64>`, several
    /// separated by spaces). The page then loads the file with `integrity` and
    /// `crossorigin="anonymous"`, and the browser refuses it if its bytes hash otherwise.
    public var scriptIntegrity: String?
    /// Integrity metadata for ``stylesheet``, as for ``scriptIntegrity``.
    public var stylesheetIntegrity: String?

    public init(script: String, stylesheet: String, scriptIntegrity: String? = nil, stylesheetIntegrity: String? = nil) {
        self.script = script
        self.stylesheet = stylesheet
        self.scriptIntegrity = scriptIntegrity
        self.stylesheetIntegrity = stylesheetIntegrity
    }

    /// swagger-ui-dist ``pinnedVersion`` from cdn.jsdelivr.net, which serves the npm package's
    /// files as published; the SHA-384 values are of those files.
    public static let jsDelivr = SwaggerUIAssets(
        script: "https://cdn.jsdelivr.net/npm/swagger-ui-dist@\(pinnedVersion)/swagger-ui-bundle.js",
        stylesheet: "https://cdn.jsdelivr.net/npm/swagger-ui-dist@\(pinnedVersion)/swagger-ui.css",
        scriptIntegrity: "sha384-9Td7MKiIr2S83E1kZyyVi8KdJw/S8CpAvu0llLyMeg0xq/hDGiZJfVn0fV4llCmK",
        stylesheetIntegrity: "sha384-4c3vsE5f+trhFyHrFrLM1fFGUn531NIaC7dcqEWIJdoRQJ5CkJbSuSCwXLpaS1KF"
    )

    /// Both files under one path prefix, e.g. `/static/swagger-ui` for
    /// `/static/swagger-ui/swagger-ui-bundle.js` and `/static/swagger-ui/swagger-ui.css`, with
    /// their integrity metadata if given.
    public static func selfHosted(
        under prefix: String,
        scriptIntegrity: String? = nil,
        stylesheetIntegrity: String? = nil
    ) -> SwaggerUIAssets {
        let base = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        return SwaggerUIAssets(
            script: base + "/swagger-ui-bundle.js",
            stylesheet: base + "/swagger-ui.css",
            scriptIntegrity: scriptIntegrity,
            stylesheetIntegrity: stylesheetIntegrity
        )
    }
}
