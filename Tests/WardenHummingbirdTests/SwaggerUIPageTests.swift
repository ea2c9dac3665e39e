import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WardenHummingbird
import WardenOpenAPI

/// `/docs`: Swagger UI at a pinned release with Subresource Integrity, and a Content-Security-Policy
/// that allows those two files, the page's inline script by hash, and nothing else.
@Suite struct SwaggerUIPageTests {
    /// The page's inline script, and `'sha256-…'` of its UTF-8 bytes computed apart from the code
    /// (`printf '%s' SCRIPT | openssl dgst -sha256 -binary | openssl base64 -A`).
    static let inlineScript = ##"<script>window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });</script>"##
    static let inlineScriptHash = "'sha256-5oJmZexPFrjIq2pl1ffOlWPVFjMQufktfB/nd3RFuIc='"

    static let cdn = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.34.0"

    @Test func jsDelivrIsPinnedWithIntegrityAndAStrictPolicy() async throws {
        #expect(SwaggerUIAssets.pinnedVersion == "5.34.0")
        #expect(SwaggerUIAssets.jsDelivr.script == "\(Self.cdn)/swagger-ui-bundle.js")
        #expect(SwaggerUIAssets.jsDelivr.scriptIntegrity == "sha384-9Td7MKiIr2S83E1kZyyVi8KdJw/S8CpAvu0llLyMeg0xq/hDGiZJfVn0fV4llCmK")
        #expect(SwaggerUIAssets.jsDelivr.stylesheetIntegrity == "sha384-4c3vsE5f+trhFyHrFrLM1fFGUn531NIaC7dcqEWIJdoRQJ5CkJbSuSCwXLpaS1KF")

        var builder = OpenAPIDocumentBuilder(title: "Shop", scopes: [])
        builder.passwordTokenURL = "https://auth.example:8443/oauth2/token?x=1"
        builder.clientCredentialsTokenURL = "/oauth2/token"
        let router = Router()
        router.addOpenAPIRoutes(builder: builder, registry: OpenAPIRouteRegistry())
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/docs", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains(#"<script src="\#(Self.cdn)/swagger-ui-bundle.js" integrity="sha384-9Td7MKiIr2S83E1kZyyVi8KdJw/S8CpAvu0llLyMeg0xq/hDGiZJfVn0fV4llCmK" crossorigin="anonymous"></script>"#))
                #expect(page.contains(#"<link rel="stylesheet" href="\#(Self.cdn)/swagger-ui.css" integrity="sha384-4c3vsE5f+trhFyHrFrLM1fFGUn531NIaC7dcqEWIJdoRQJ5CkJbSuSCwXLpaS1KF" crossorigin="anonymous">"#))
                #expect(!page.contains("swagger-ui-dist@5/"))
                #expect(page.contains(Self.inlineScript))
                // Something to read where the explorer cannot load (offline, blocked).
                #expect(page.contains("If this text stays, its files could not be loaded"))
                #expect(response.headers[.contentSecurityPolicy] == [
                    "default-src 'none'",
                    "script-src \(Self.cdn)/swagger-ui-bundle.js \(Self.inlineScriptHash)",
                    "style-src \(Self.cdn)/swagger-ui.css 'unsafe-inline'",
                    "img-src 'self' data: blob:",
                    "connect-src 'self' https://auth.example:8443",
                    "object-src 'none'",
                    "base-uri 'none'",
                    "frame-ancestors 'none'",
                ].joined(separator: "; "))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            }
            // The policy is on /docs only.
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.headers[.contentSecurityPolicy] == nil)
            }
        }
    }

    @Test func selfHostedFilesAreSelfWithOrWithoutIntegrity() async throws {
        let builder = OpenAPIDocumentBuilder(title: "Shop", scopes: [])
        let router = Router()
        router.group("plain").addOpenAPIRoutes(builder: builder, registry: OpenAPIRouteRegistry(), swaggerUI: .selfHosted(under: "/static"))
        router.group("checked").addOpenAPIRoutes(
            builder: builder,
            registry: OpenAPIRouteRegistry(),
            swaggerUI: .selfHosted(under: "/static", scriptIntegrity: "sha384-AAAA", stylesheetIntegrity: "sha384-BBBB")
        )
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/plain/docs", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains(#"<script src="/static/swagger-ui-bundle.js"></script>"#))
                #expect(!page.contains("integrity=") && !page.contains("crossorigin="))
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("script-src 'self' \(Self.inlineScriptHash);"))
                #expect(policy.contains("style-src 'self' 'unsafe-inline';"))
                #expect(policy.contains("connect-src 'self';"))
                #expect(!policy.contains("jsdelivr"))
            }
            try await client.execute(uri: "/checked/docs", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains(#"<script src="/static/swagger-ui-bundle.js" integrity="sha384-AAAA" crossorigin="anonymous"></script>"#))
                #expect(page.contains(#"<link rel="stylesheet" href="/static/swagger-ui.css" integrity="sha384-BBBB" crossorigin="anonymous">"#))
            }
        }
    }

    /// An asset URL a source expression cannot carry is left out of the policy (the file is
    /// blocked), never allowed to end a source or a directive.
    @Test func aURLCannotWidenThePolicy() async throws {
        let assets = SwaggerUIAssets(script: "https://cdn.example,evil/x.js", stylesheet: "https://cdn.example/x.css;script-src")
        let router = Router()
        router.addOpenAPIRoutes(builder: OpenAPIDocumentBuilder(title: "Shop", scopes: []), registry: OpenAPIRouteRegistry(), swaggerUI: assets)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/docs", method: .get) { response in
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.split(separator: ";").count == 8)
                #expect(policy.contains("script-src \(Self.inlineScriptHash);"))
                #expect(!policy.contains("evil"))
                #expect(!policy.contains("https://cdn.example/x.css;"))
            }
        }
    }
}
