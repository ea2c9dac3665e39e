import Foundation
import NIOHTTP1
import Testing
@testable import WardenServer

/// What the sign-in pages send a browser: escaping that holds for every Unicode shape, a CSP
/// under which the flow still completes, the CSRF cookie's form (issue 11).
@Suite struct AuthorizationPageSafetyTests {
    static let payloads = [
        "\"><b id=x>",
        "<script>window.pwned=1</script>",
        // Grapheme clusters that compare unequal to '"', '>' and '<' as Characters.
        "x\"\u{301}>\u{301}\u{600}<b id=pwn title=\u{301}>\u{301}INJECTED",
        "'\u{301} onmouseover=alert(1) x='",
        "&lt;already&gt;",
    ]

    @Test func escapingLeavesNoMarkupCharacterWhateverFollowsIt() {
        for payload in Self.payloads {
            let escaped = AuthorizationPages.escape(payload)
            for byte in ["<", ">", "\"", "'"] { #expect(!escaped.utf8.contains(byte.utf8.first!), "\(payload)") }
            #expect(Self.unescape(escaped).unicodeScalars.elementsEqual(payload.unicodeScalars))
        }
    }

    /// The five entities back, over bytes (Foundation's `replacingOccurrences` matches
    /// Characters, and `&quot;` followed by U+0301 ends in the Character ";\u{301}").
    static func unescape(_ text: String) -> String {
        let entities: [(String, UInt8)] = [("&amp;", 38), ("&lt;", 60), ("&gt;", 62), ("&quot;", 34), ("&#39;", 39)]
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        var index = 0
        outer: while index < bytes.count {
            for (entity, byte) in entities where bytes[index...].starts(with: entity.utf8) {
                result.append(byte)
                index += entity.utf8.count
                continue outer
            }
            result.append(bytes[index])
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    @Test func theLoginPageCarriesEveryParameterEscaped() {
        for payload in Self.payloads {
            let html = AuthorizationPages.login(clientID: payload, parameters: ["state": payload, "scope": payload, "redirect_uri": payload], csrf: payload, error: payload, username: payload)
            #expect(!html.contains("<b id"))
            #expect(!html.contains("<script>"))
            let consent = AuthorizationPages.consent(clientID: payload, user: payload, scopes: [], parameters: ["state": payload], csrf: "c", ticket: payload)
            #expect(!consent.contains("<b id"))
        }
    }

    @Test func formActionNamesTheRedirectOriginOnly() {
        #expect(AuthorizationPagePolicy.source(for: "http://127.0.0.1:9999/callback") == "http://127.0.0.1:9999")
        #expect(AuthorizationPagePolicy.source(for: "https://app.example.com/cb?x=1#f") == "https://app.example.com")
        #expect(AuthorizationPagePolicy.source(for: "HTTPS://App.Example.com/cb") == "https://App.Example.com")
        // CSP has no IPv6 literals: the scheme only (RFC 8252 §7.3 loopback redirects).
        #expect(AuthorizationPagePolicy.source(for: "http://[::1]:8080/cb") == "http:")
        #expect(AuthorizationPagePolicy.source(for: "com.example.app:/oauth2redirect") == "com.example.app:")
        // Nothing that could end a directive or add a source.
        #expect(AuthorizationPagePolicy.source(for: "http://a.example;script-src *") == nil)
        #expect(AuthorizationPagePolicy.source(for: "http://a.example%20b/") == nil)
        #expect(AuthorizationPagePolicy.source(for: "1http://x") == nil)
        let policy = AuthorizationPagePolicy.contentSecurityPolicy(formRedirect: "https://app.example.com/cb")
        #expect(policy.contains("form-action 'self' https://app.example.com;"))
        #expect(policy.contains("frame-ancestors 'none'"))
        #expect(!AuthorizationPagePolicy.contentSecurityPolicy(formRedirect: nil).contains("https:"))
    }

    @Test func pagesWhoseFormMayEndAtTheClientNameItsOriginAndNoOther() async throws {
        try await TestServer.run { server in
            let browser = AuthorizationCodeFlowTests.Browser()
            defer { Task { try? await browser.shutdown() } }
            let login = try await browser.send(AuthorizationCodeFlowTests.authorizeURL(server))
            #expect(login.header("Content-Security-Policy")?.contains("form-action 'self' http://127.0.0.1:9999;") == true)
            #expect(login.header("X-Frame-Options") == "DENY")
            let fields = AuthorizationCodeFlowTests.hiddenFields(String(decoding: login.body, as: UTF8.self))
            let consent = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST, form: fields + [("step", "login"), ("username", "alice"), ("password", "wonderland")])
            #expect(consent.status == 200)
            #expect(consent.header("Content-Security-Policy")?.contains("form-action 'self' http://127.0.0.1:9999;") == true)
            // An error page (unregistered redirect URI) allows no form target but itself.
            let error = try await browser.send(server.baseURL + "/oauth2/authorize?response_type=code&client_id=shop-web&redirect_uri=http%3A%2F%2Fevil.example%2F")
            #expect(error.status == 400)
            #expect(error.header("Content-Security-Policy")?.contains("form-action 'self';") == true)
            #expect(error.header("Content-Security-Policy")?.contains("evil") == false)
            // Over http the cookie is the plain one, limited to the authorize path.
            #expect(browser.cookie?.hasPrefix("warden_csrf=") == true)
        }
    }

    @Test func anHTTPSIssuerGetsAHostPrefixedSecureCookie() async throws {
        try await TestServer.run(configure: { $0.issuer = "https://warden.test" }) { server in
            let login = try await server.get(AuthorizationCodeFlowTests.authorizeURL(server).replacingOccurrences(of: server.baseURL, with: ""))
            let cookie = try #require(login.header("Set-Cookie"))
            #expect(cookie.hasPrefix("__Host-warden_csrf="))
            #expect(cookie.contains("; Secure"))
            #expect(cookie.contains("; Path=/;"))
            #expect(!cookie.contains("Domain"))
        }
    }
}
