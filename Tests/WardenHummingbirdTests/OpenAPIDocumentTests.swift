import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WardenHummingbird
import WardenOpenAPI
import WardenTesting

@Suite struct OpenAPIDocumentTests {
    @Test func documentsEveryRouteWithItsAddedUpScopes() async throws {
        let issuer = await TestTokenIssuer()
        try await makeService(issuer: issuer).0.test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let document = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as! [String: Any]
                #expect(document["openapi"] as? String == "3.1.1")
                let paths = document["paths"] as! [String: [String: Any]]
                func security(_ path: String, _ method: String = "get") -> [[String: [String]]]? {
                    (paths[path]?[method] as? [String: Any])?["security"] as? [[String: [String]]]
                }
                #expect(security("/api/status") == [["oauth2": []]])
                #expect(security("/api/users/me") == [["oauth2": ["me"]]])
                #expect(security("/api/users/me/items") == [["oauth2": ["items", "me"]]])
                #expect(security("/api/reports") == [["oauth2": ["admin"]], ["oauth2": ["me", "reports.read"]]])
                #expect(security("/api/submit", "post") == [["oauth2": ["me"]]])
                #expect(paths["/public"]?["get"] != nil)
                #expect(security("/public") == nil)

                let schemes = (document["components"] as! [String: Any])["securitySchemes"] as! [String: [String: Any]]
                let oauth2 = schemes["oauth2"]!
                #expect(oauth2["type"] as? String == "oauth2")
                let flows = oauth2["flows"] as! [String: [String: Any]]
                #expect(flows["password"]?["tokenUrl"] as? String == "https://warden.test/oauth2/token")
                #expect(flows["clientCredentials"] != nil)
                #expect(flows["password"]?["scopes"] as? [String: String] == ["me": "Me.", "items": "Items.", "admin": "Admin.", "reports.read": "Reports."])
            }
            try await client.execute(uri: "/docs", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("/openapi.json"))
            }
        }
    }

    @Test func docsPageLoadsSwaggerUIFromWhereItIsTold() async throws {
        let router = Router()
        let registry = OpenAPIRouteRegistry()
        let builder = OpenAPIDocumentBuilder(title: "Shop <\"admin\">", scopes: [])
        router.group("cdn").addOpenAPIRoutes(builder: builder, registry: registry)
        router.group("local").addOpenAPIRoutes(builder: builder, registry: registry, swaggerUI: .selfHosted(under: "/static/swagger-ui/"))
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/cdn/docs", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains(#"src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@\#(SwaggerUIAssets.pinnedVersion)/swagger-ui-bundle.js""#))
                #expect(page.contains("Shop &lt;&quot;admin&quot;&gt;"))
            }
            try await client.execute(uri: "/local/docs", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains(#"<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>"#))
                #expect(page.contains(#"<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css">"#))
                #expect(!page.contains("jsdelivr"))
            }
        }
    }
}
