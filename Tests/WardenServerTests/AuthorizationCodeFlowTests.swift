import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import WardenClient
import WardenCore
import WardenServer
import WardenSQLite

/// The authorization code flow with PKCE, through the real login and consent pages, as a
/// browser without JavaScript would drive it (cookies kept, redirects not followed).
@Suite struct AuthorizationCodeFlowTests {
    static let redirectURI = "http://127.0.0.1:9999/callback"
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-extra-entropy"
    static var challenge: String { Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8)))) }

    /// A tiny browser: one cookie jar, no redirect following.
    final class Browser: @unchecked Sendable {  // used from one test task at a time
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        var cookie: String?

        func send(_ url: String, method: HTTPMethod = .GET, form: [(String, String)]? = nil) async throws -> Reply {
            var request = HTTPClientRequest(url: url)
            request.method = method
            if let cookie { request.headers.add(name: "Cookie", value: cookie) }
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
            }
            let response = try await client.execute(request, timeout: .seconds(30))
            if let setCookie = response.headers.first(name: "Set-Cookie") {
                cookie = String(setCookie.split(separator: ";")[0])
            }
            let body = try await response.body.collect(upTo: 1 << 20)
            return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Array(body.readableBytesView))
        }

        func shutdown() async throws { try await client.shutdown() }
    }

    static func hiddenFields(_ html: String) -> [(String, String)] {
        let pattern = try! NSRegularExpression(pattern: #"<input type="hidden" name="([^"]+)" value="([^"]*)">"#)
        let range = NSRange(html.startIndex..., in: html)
        return pattern.matches(in: html, range: range).map { match in
            let name = String(html[Range(match.range(at: 1), in: html)!])
            let value = String(html[Range(match.range(at: 2), in: html)!])
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
            return (name, value)
        }.filter { $0.0 != "step" }
    }

    static func authorizeURL(_ server: TestServer, scope: String = "order.read order.write", state: String = "xyz", extra: [(String, String)] = [], challenge: String? = nil) -> String {
        let query = FormEncoding.encode([
            ("response_type", "code"), ("client_id", "shop-web"), ("redirect_uri", redirectURI), ("scope", scope),
            ("state", state), ("code_challenge", challenge ?? Self.challenge), ("code_challenge_method", "S256"),
        ] + extra)
        return server.baseURL + "/oauth2/authorize?" + query
    }

    static func query(_ location: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in URLComponents(string: location)?.queryItems ?? [] { result[item.name] = item.value }
        return result
    }

    /// Runs login and consent; returns the final redirect location.
    static func authorize(_ server: TestServer, browser: Browser, user: String = "alice", password: String = "wonderland", scope: String = "order.read order.write", decision: String = "allow", extra: [(String, String)] = []) async throws -> String {
        let loginPage = try await browser.send(authorizeURL(server, scope: scope, extra: extra))
        #expect(loginPage.status == 200)
        let loginFields = hiddenFields(String(decoding: loginPage.body, as: UTF8.self))
        let consentPage = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST, form: loginFields + [("step", "login"), ("username", user), ("password", password)])
        #expect(consentPage.status == 200)
        let html = String(decoding: consentPage.body, as: UTF8.self)
        let consentFields = hiddenFields(html)
        let final = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST, form: consentFields + [("step", "consent"), ("decision", decision)])
        #expect(final.status == 303)  // RFC 9700 §4.11: See Other after a form post
        return try #require(final.header("Location"))
    }

    func redeem(_ server: TestServer, code: String, verifier: String = AuthorizationCodeFlowTests.verifier, redirectURI: String = AuthorizationCodeFlowTests.redirectURI) async throws -> Reply {
        try await server.post("/oauth2/token", [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", verifier), ("client_id", "shop-web")])
    }

    /// RFC 9449 §10: `dpop_jkt` on the authorization request binds the code to a key; it is
    /// redeemed only with a proof by that key, and a wrong attempt does not burn it.
    @Test func aCodeBoundWithDPoPJKTNeedsAProofByThatKey() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let key = await DPoPProofSigner.generateES256()
            let location = try await Self.authorize(server, browser: browser, extra: [("dpop_jkt", key.thumbprint)])
            let code = try #require(Self.query(location)["code"])
            let form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirectURI), ("code_verifier", Self.verifier), ("client_id", "shop-web")]
            let endpoint = "http://warden.test/oauth2/token"
            #expect(try await server.post("/oauth2/token", form).error == "invalid_dpop_proof")
            let other = await DPoPProofSigner.generateES256()
            #expect(try await server.post("/oauth2/token", form, headers: [("DPoP", try other.proof(method: "POST", uri: endpoint))]).error == "invalid_dpop_proof")
            let rightful = try await server.post("/oauth2/token", form, headers: [("DPoP", try key.proof(method: "POST", uri: endpoint))])
            #expect(rightful.status == 200)
            #expect(rightful.json["token_type"] as? String == "DPoP")
            // A dpop_jkt that is no thumbprint goes back to the client as invalid_request.
            let malformed = try await browser.send(Self.authorizeURL(server, extra: [("dpop_jkt", "not-a-thumbprint")]))
            #expect(malformed.status == 302 || malformed.status == 303)
            #expect(Self.query(try #require(malformed.header("Location")))["error"] == "invalid_request")
        }
    }

    /// Issue 11, item 8: a code presented by another client, or with a wrong verifier or
    /// redirect URI, is refused without being burned; its own client redeems it afterwards.
    @Test func aCodePresentedWronglyIsNotBurnedForItsClient() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let location = try await Self.authorize(server, browser: browser)
            let code = try #require(Self.query(location)["code"])
            try await server.store.createClient(ClientRecord(
                id: "other-web", secretHash: nil, grants: [.authorizationCode], scopes: ["order.read"],
                redirectURIs: [Self.redirectURI], audiences: ["order-service"]
            ))
            let otherClient = try await server.post(
                "/oauth2/token",
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirectURI), ("code_verifier", Self.verifier), ("client_id", "other-web")]
            )
            #expect(otherClient.error == "invalid_grant")
            let wrongVerifier = try await redeem(server, code: code, verifier: String(repeating: "a", count: 43))
            #expect(wrongVerifier.error == "invalid_grant")
            let wrongRedirect = try await redeem(server, code: code, redirectURI: "http://127.0.0.1:9999/other")
            #expect(wrongRedirect.error == "invalid_grant")
            let rightful = try await redeem(server, code: code)
            #expect(rightful.status == 200)
            #expect(rightful.accessToken != nil)
        }
    }

    /// Issue 14: ending a user's sessions (`warden user end-sessions`, a new password) ends a
    /// sign-in still on its consent page and a code not yet redeemed — neither becomes a new
    /// session (a review found both turning into a 30-day refresh family).
    @Test func endedSessionsEndSignInPagesAndCodesToo() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            // Signed in, on the consent page, when the sessions end: the consent is refused.
            let loginPage = try await browser.send(Self.authorizeURL(server))
            let consentPage = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST,
                                                     form: Self.hiddenFields(String(decoding: loginPage.body, as: UTF8.self)) + [("step", "login"), ("username", "alice"), ("password", "wonderland")])
            #expect(consentPage.status == 200)
            _ = try await SubjectRevocation.endSessions(of: "alice", in: server.store, at: Date())
            let refused = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST,
                                                 form: Self.hiddenFields(String(decoding: consentPage.body, as: UTF8.self)) + [("step", "consent"), ("decision", "allow")])
            #expect(refused.status == 403)
            #expect(String(decoding: refused.body, as: UTF8.self).contains("The sign-in expired"))

            // A code issued before: refused at the token endpoint.
            let code = try #require(Self.query(try await Self.authorize(server, browser: browser))["code"])
            try await Task.sleep(for: .milliseconds(5))
            _ = try await SubjectRevocation.endSessions(of: "alice", in: server.store, at: Date())
            #expect(try await redeem(server, code: code).error == "invalid_grant")

            // Signing in again works.
            let again = try #require(Self.query(try await Self.authorize(server, browser: browser))["code"])
            #expect(try await redeem(server, code: again).status == 200)
        }
    }

    @Test func aliceSignsInConsentsAndTheAppRedeemsTheCode() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let page = try await browser.send(Self.authorizeURL(server))
            #expect(page.status == 200)
            #expect(page.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(page.header("Set-Cookie")?.contains("HttpOnly") == true)
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains("name=\"username\""))
            #expect(html.contains("name=\"password\""))

            let location = try await Self.authorize(server, browser: browser)
            #expect(location.hasPrefix(Self.redirectURI + "?"))
            let params = Self.query(location)
            #expect(params["state"] == "xyz")
            #expect(params["iss"] == "http://warden.test")
            let code = try #require(params["code"])

            let token = try await redeem(server, code: code)
            #expect(token.status == 200)
            #expect(token.json["scope"] as? String == "order.read order.write")
            #expect(token.refreshToken != nil)
            let verified = try await server.verifier(audience: "order-service").verify(try #require(token.accessToken))
            #expect(verified.subject == "alice")
            #expect(verified.clientID == "shop-web")
        }
    }

    @Test func theConsentPageListsScopesByDescription() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let loginPage = try await browser.send(Self.authorizeURL(server))
            let fields = Self.hiddenFields(String(decoding: loginPage.body, as: UTF8.self))
            let consent = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST, form: fields + [("step", "login"), ("username", "alice"), ("password", "wonderland")])
            let html = String(decoding: consent.body, as: UTF8.self)
            #expect(html.contains("Read orders"))
            #expect(html.contains("Place orders"))
            #expect(!html.contains("Create payments"))
        }
    }

    @Test func aSecondUseOfTheCodeFailsAndRevokesWhatTheFirstIssued() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let code = try #require(Self.query(try await Self.authorize(server, browser: browser))["code"])
            let first = try await redeem(server, code: code)
            #expect(first.status == 200)
            let second = try await redeem(server, code: code)
            #expect(second.status == 400)
            #expect(second.error == "invalid_grant")
            // RFC 6749 §4.1.2: the tokens of the first use are revoked.
            let jti = try await server.verifier(audience: "order-service").verify(try #require(first.accessToken)).tokenID
            #expect(try await server.store.isRevoked(tokenID: jti))
            let refresh = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", try #require(first.refreshToken)), ("client_id", "shop-web")])
            #expect(refresh.error == "invalid_grant")
        }
    }

    @Test func wrongVerifierOrRedirectURIIsInvalidGrant() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let code1 = try #require(Self.query(try await Self.authorize(server, browser: browser))["code"])
            #expect(try await redeem(server, code: code1, verifier: String(repeating: "a", count: 43)).error == "invalid_grant")
            let code2 = try #require(Self.query(try await Self.authorize(server, browser: browser))["code"])
            #expect(try await redeem(server, code: code2, redirectURI: "http://127.0.0.1:9999/other").error == "invalid_grant")
            let code3 = try #require(Self.query(try await Self.authorize(server, browser: browser))["code"])
            #expect(try await redeem(server, code: code3, verifier: "short").error == "invalid_grant")
            #expect(try await redeem(server, code: "made-up-code").error == "invalid_grant")
        }
    }

    @Test func anExpiredCodeIsInvalidGrant() async throws {
        try await TestServer.run(configure: { $0.authorizationCodeLifetime = .milliseconds(1) }) { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let code = try #require(Self.query(try await Self.authorize(server, browser: browser))["code"])
            #expect(try await redeem(server, code: code).error == "invalid_grant")
        }
    }

    @Test func denyingRedirectsWithAccessDenied() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let location = try await Self.authorize(server, browser: browser, decision: "deny")
            let params = Self.query(location)
            #expect(params["error"] == "access_denied")
            #expect(params["state"] == "xyz")
            #expect(params["code"] == nil)
        }
    }

    @Test func aWrongPasswordShowsTheLoginFormAgain() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let loginPage = try await browser.send(Self.authorizeURL(server))
            let fields = Self.hiddenFields(String(decoding: loginPage.body, as: UTF8.self))
            for (user, password) in [("alice", "wrong"), ("nobody", "wrong")] {
                let again = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST, form: fields + [("step", "login"), ("username", user), ("password", password)])
                #expect(again.status == 200)
                let html = String(decoding: again.body, as: UTF8.self)
                #expect(html.contains("Incorrect username or password."))
                #expect(html.contains("name=\"password\""))
            }
        }
    }

    @Test func untrustworthyClientsAndRedirectURIsGetAPageNeverARedirect() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let urls = [
                server.baseURL + "/oauth2/authorize?response_type=code&client_id=nobody&redirect_uri=http%3A%2F%2Fevil.example%2F",
                server.baseURL + "/oauth2/authorize?response_type=code&client_id=shop-web&redirect_uri=http%3A%2F%2Fevil.example%2F",
                server.baseURL + "/oauth2/authorize?response_type=code&client_id=shop-web",
                server.baseURL + "/oauth2/authorize?client_id=shop-web&client_id=other",
                server.baseURL + "/oauth2/authorize?response_type=code&client_id=shop-web&redirect_uri=http%3A%2F%2F127.0.0.1%3A9999%2Fcallback%2F",
            ]
            for url in urls {
                let reply = try await browser.send(url)
                #expect(reply.status == 400)
                #expect(reply.header("Location") == nil)
                #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
            }
        }
    }

    @Test func otherBadRequestsRedirectWithTheError() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let cases: [(String, String)] = [
                (Self.authorizeURL(server, scope: "payment.nope"), "invalid_scope"),
                (Self.authorizeURL(server, challenge: ""), "invalid_request"),
                (Self.authorizeURL(server, challenge: "plain-challenge"), "invalid_request"),
                (Self.authorizeURL(server, extra: [("audience", "payment-service")]), "invalid_target"),
                (Self.authorizeURL(server).replacingOccurrences(of: "code_challenge_method=S256", with: "code_challenge_method=plain"), "invalid_request"),
                (Self.authorizeURL(server).replacingOccurrences(of: "response_type=code", with: "response_type=token"), "unsupported_response_type"),
            ]
            for (url, error) in cases {
                let reply = try await browser.send(url)
                #expect(reply.status == 302, "\(error)")
                let params = Self.query(try #require(reply.header("Location")))
                #expect(params["error"] == error)
                #expect(params["state"] == "xyz")
            }
        }
    }

    @Test func formsWithoutTheCSRFCookieOrWithAForgedTicketAreRefused() async throws {
        try await TestServer.run { server in
            let browser = Browser()
            defer { Task { try? await browser.shutdown() } }
            let loginPage = try await browser.send(Self.authorizeURL(server))
            let fields = Self.hiddenFields(String(decoding: loginPage.body, as: UTF8.self))
            // Another browser (no cookie) posting the same form: CSRF.
            let attacker = Browser()
            defer { Task { try? await attacker.shutdown() } }
            let forged = try await attacker.send(server.baseURL + "/oauth2/authorize", method: .POST, form: fields + [("step", "login"), ("username", "alice"), ("password", "wonderland")])
            #expect(forged.status == 403)
            // A consent post with a made-up ticket.
            let noTicket = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST, form: fields + [("step", "consent"), ("decision", "allow"), ("login_ticket", "YWxpY2U.9999999999.forged")])
            #expect(noTicket.status == 403)
            // A ticket replayed for a wider scope than the one signed in for.
            let consent = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST, form: fields + [("step", "login"), ("username", "bob"), ("password", "builder")])
            // bob may not have order.write: the request is refused back to the client.
            #expect(consent.status == 303)
            #expect(Self.query(consent.header("Location") ?? "")["error"] == "invalid_scope")
            let bobLogin = try await browser.send(Self.authorizeURL(server, scope: "order.read"))
            let bobFields = Self.hiddenFields(String(decoding: bobLogin.body, as: UTF8.self))
            let bobConsent = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST, form: bobFields + [("step", "login"), ("username", "bob"), ("password", "builder")])
            var replayed = Self.hiddenFields(String(decoding: bobConsent.body, as: UTF8.self))
            replayed = replayed.map { $0.0 == "scope" ? ("scope", "order.read order.write") : $0 }
            let widened = try await browser.send(server.baseURL + "/oauth2/authorize", method: .POST, form: replayed + [("step", "consent"), ("decision", "allow")])
            #expect(widened.status == 403)
        }
    }
}
