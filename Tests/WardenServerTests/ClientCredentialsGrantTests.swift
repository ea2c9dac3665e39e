import Foundation
import Testing
@testable import WardenCLI
import WardenCore
import WardenServer
import WardenServerHummingbird
import WardenSQLite
import WardenTesting

/// `POST /oauth2/token` with `client_credentials` and every way a request to it can be wrong,
/// over a real socket; tokens checked by a resource-server verifier that knows only the JWKS URL.
@Suite struct ClientCredentialsGrantTests {
    static let report = ("report-service", TestServer.reportSecret)

    @Test func issuesATokenThatAResourceServerVerifiesFromTheJWKS() async throws {
        try await TestServer.run { server in
            let reply = try await server.post("/oauth2/token", [("grant_type", "client_credentials"), ("scope", "report.read")], basic: Self.report)
            #expect(reply.status == 200)
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(reply.json["token_type"] as? String == "Bearer")
            #expect(reply.json["expires_in"] as? Int == 120)  // the client's own lifetime
            #expect(reply.json["scope"] as? String == "report.read")
            #expect(reply.refreshToken == nil)  // RFC 6749 §4.4.3
            let token = try #require(reply.accessToken)
            let verified = try await server.verifier(audience: "order-service").verify(token)
            #expect(verified.subject == "report-service")
            #expect(verified.clientID == "report-service")
            #expect(verified.scope == ["report.read"])
            #expect(verified.claims.audience == ["order-service"])
            #expect(verified.claims.expiresAt.timeIntervalSince(verified.claims.issuedAt) == 120)
        }
    }

    @Test func clientSecretPostWorksAndAnEmptyScopeGetsTheClientsScopes() async throws {
        try await TestServer.run { server in
            let reply = try await server.post("/oauth2/token", [("grant_type", "client_credentials"), ("client_id", "report-service"), ("client_secret", TestServer.reportSecret)])
            #expect(reply.status == 200)
            #expect(reply.json["scope"] as? String == "order.read report.read")
        }
    }

    @Test func aNamedAudienceTheClientMayAskForIsUsed() async throws {
        try await TestServer.run { server in
            let reply = try await server.post("/oauth2/token", [("grant_type", "client_credentials"), ("audience", "report-api")], basic: Self.report)
            #expect(reply.status == 200)
            _ = try await server.verifier(audience: "report-api").verify(try #require(reply.accessToken))
            await #expect(throws: TokenVerificationError.self) {
                try await server.verifier(audience: "order-service").verify(reply.accessToken!)
            }
            let resource = try await server.post("/oauth2/token", [("grant_type", "client_credentials"), ("resource", "report-api"), ("audience", "order-service")], basic: Self.report)
            #expect(resource.status == 200)
        }
    }

    @Test(arguments: [
        // (form, basic, expected status, expected error)
        ([("grant_type", "client_credentials")], ("report-service", "wrong-secret-0123456789"), 401, "invalid_client"),
        ([("grant_type", "client_credentials")], ("nobody", "whatever-0123456789"), 401, "invalid_client"),
        ([("grant_type", "client_credentials"), ("scope", "payment.create")], report, 400, "invalid_scope"),
        ([("grant_type", "client_credentials"), ("scope", "no.such.scope")], report, 400, "invalid_scope"),
        ([("grant_type", "client_credentials"), ("scope", "bad\"scope")], report, 400, "invalid_scope"),
        ([("grant_type", "client_credentials"), ("audience", "payment-service")], report, 400, "invalid_target"),
        ([("grant_type", "client_credentials"), ("audience", "")], report, 400, "invalid_target"),
        ([("grant_type", "password"), ("username", "alice"), ("password", "wonderland")], report, 400, "unauthorized_client"),
        ([("grant_type", "magic")], report, 400, "unsupported_grant_type"),
        ([("scope", "report.read")], report, 400, "invalid_request"),
        ([("grant_type", "client_credentials"), ("client_secret", TestServer.reportSecret)], report, 400, "invalid_request"),
        ([("grant_type", "client_credentials"), ("client_id", "order-service")], report, 400, "invalid_request"),
    ] as [([(String, String)], (String, String), Int, String)])
    func refusesWithTheStandardError(form: [(String, String)], basic: (String, String), status: Int, error: String) async throws {
        try await TestServer.run { server in
            let reply = try await server.post("/oauth2/token", form, basic: basic)
            #expect(reply.status == status)
            #expect(reply.error == error)
            #expect(reply.json["error_description"] is String)
            #expect(reply.header("Cache-Control") == "no-store")
            if status == 401 { #expect(reply.header("WWW-Authenticate")?.hasPrefix("Basic") == true) }
        }
    }

    @Test func noCredentialsAndPublicClientsAreInvalidClient() async throws {
        try await TestServer.run { server in
            let none = try await server.post("/oauth2/token", [("grant_type", "client_credentials")])
            #expect(none.status == 401)
            #expect(none.error == "invalid_client")
            // shop-web is public: client_credentials needs a confidential client.
            let publicClient = try await server.post("/oauth2/token", [("grant_type", "client_credentials"), ("client_id", "shop-web")])
            #expect(publicClient.status == 401)
            #expect(publicClient.error == "invalid_client")
            let garbageBasic = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], headers: [("Authorization", "Basic !!!not-base64")])
            #expect(garbageBasic.status == 401)
            let otherScheme = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], headers: [("Authorization", "Bearer abc")])
            #expect(otherScheme.status == 401)
        }
    }

    /// The content type's type and subtype in any ASCII case, parameters after `;` (whitespace
    /// before it allowed); nothing else, one field only, no non-ASCII look-alike. Basic's scheme in
    /// any case, one or more spaces before the credentials; the decoded bytes UTF-8, the id and
    /// secret percent-decoded, each UTF-8.
    @Test func contentTypesAndBasicCredentialsAreReadStrictly() async throws {
        try await TestServer.run { server in
            let form = [("grant_type", "client_credentials")]
            for accepted in ["application/x-www-form-urlencoded", "Application/X-WWW-Form-URLEncoded", "application/x-www-form-urlencoded;charset=UTF-8", "application/x-www-form-urlencoded ;charset=UTF-8", "application/x-www-form-urlencoded\t; charset=UTF-8"] {
                #expect(try await server.post("/oauth2/token", form, basic: Self.report, contentType: accepted).status == 200, "\(accepted)")
            }
            for refused in ["application/x-www-form-urlencode", "application/x-www-form-urlencodedx", "application/x-www-form-urlen\u{0441}oded", "application/x-www-form-urlencoded x", "text/plain", ""] {
                let reply = try await server.post("/oauth2/token", form, basic: Self.report, contentType: refused)
                #expect(reply.status == 400, "\(refused)")
                #expect(reply.error == "invalid_request", "\(refused)")
            }
            // Two Content-Type fields would be read joined, the first deciding: refused.
            let twoTypes = try await server.post("/oauth2/token", form, basic: Self.report, headers: [("Content-Type", "application/json")])
            #expect(twoTypes.status == 400)
            #expect(twoTypes.error == "invalid_request")
            func basic(_ scheme: String, _ separator: String, _ credentials: [UInt8]) async throws -> Reply {
                try await server.post("/oauth2/token", form, headers: [("Authorization", scheme + separator + Data(credentials).base64EncodedString())])
            }
            let (id, secret) = Self.report
            let good = Array("\(id):\(secret)".utf8)
            #expect(try await basic("BASIC", " ", good).status == 200)
            #expect(try await basic("basic", "   ", good).status == 200)
            // Percent-encoded, as RFC 6749 §2.3.1 has it.
            #expect(try await basic("Basic", " ", Array("\(id.replacingOccurrences(of: "-", with: "%2D")):\(secret)".utf8)).status == 200)
            // Not UTF-8 as sent (a raw 0xC3 that percent-decoding would complete) is refused, as
            // it was when the whole was read as a string first.
            let rawThenEscaped = Array("\(id):".utf8) + [0xC3] + Array("%A9".utf8)
            for refused in [Array("\(id)\(secret)".utf8), Array("\(id):\(secret)".utf8) + [0xC3], [0xC3] + Array(":\(secret)".utf8), rawThenEscaped, Array("\(id):%ZZ".utf8), Array(":".utf8), []] {
                let reply = try await basic("Basic", " ", refused)
                #expect(reply.status == 401, "\(refused)")
                #expect(reply.error == "invalid_client", "\(refused)")
            }
            // The scheme is `Basic` in ASCII letters of either case (RFC 9110 §11.1), nothing that
            // lowercases or looks like it (long s, dotted capital I, Cyrillic es), and one or more
            // spaces after it (§11.4), not a tab; a combining mark after the space is no base64.
            let encoded = Data(good).base64EncodedString()
            let lookAlikes = ["Ba\u{17F}ic \(encoded)", "BAS\u{130}C \(encoded)", "Basi\u{441} \(encoded)", "Basic\t\(encoded)", "Basic \u{301}\(encoded)"]
            for header in ["Basic", "Basic ", "Basicx \(encoded)", "Basic \(encoded) x"] + lookAlikes {
                let reply = try await server.post("/oauth2/token", form, headers: [("Authorization", header)])
                #expect(reply.status == 401, "\(header)")
                #expect(reply.error == "invalid_client", "\(header)")
            }
        }
    }

    @Test func malformedRequestsAreInvalidRequestNeverAServerError() async throws {
        try await TestServer.run { server in
            let cases: [Reply] = [
                try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report, contentType: "application/json", rawBody: #"{"grant_type":"client_credentials"}"#),
                try await server.post("/oauth2/token", [], basic: Self.report, rawBody: "grant_type=client_credentials&grant_type=client_credentials"),
                try await server.post("/oauth2/token", [], basic: Self.report, rawBody: "grant_type=%ZZ"),
                try await server.post("/oauth2/token", [], basic: Self.report, rawBody: "grant_type=client_credentials&scope=" + String(repeating: "a", count: 20_000)),
                try await server.post("/oauth2/token?client_secret=x", [("grant_type", "client_credentials")], basic: Self.report),
                try await server.post("/oauth2/token", [], basic: Self.report, rawBody: "grant_type=client_credentials\u{0}"),
                try await server.post("/oauth2/token", [], basic: Self.report, rawBody: ""),
            ]
            for reply in cases {
                #expect(reply.status == 400)
                #expect(reply.error == "invalid_request")
            }
        }
    }

    /// Client authentication failures are counted per address only (a generated secret is 256
    /// bits): 50 from one address lock that address out, even with the right secret, while
    /// another address is not affected (`TrustedProxyThrottlingTests`).
    @Test func manySecretFailuresFromOneAddressLockThatAddressOut() async throws {
        try await TestServer.run(timeSource: ManualTimeSource().timeSource) { server in
            for _ in 0..<5 {
                let wrong = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("report-service", "wrong-secret-0123456789"))
                #expect(wrong.error == "invalid_client")
            }
            // Five are nothing: a few bad secrets from a neighbour behind the same NAT do not
            // lock a service out.
            let stillFine = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report)
            #expect(stillFine.status == 200)
            for _ in 0..<45 {
                _ = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("report-service", "wrong-secret-0123456789"))
            }
            let right = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report)
            #expect(right.status == 401)
            #expect(right.error == "invalid_client")
            let audit = try await server.store.auditEvents(limit: 10)
            #expect(audit.contains { $0.event == "client.authentication_failed" && ($0.detail ?? "").contains("locked out") })
            // The secret never reaches the audit log.
            #expect(!audit.contains { ($0.detail ?? "").contains(TestServer.reportSecret) })
        }
    }

    /// Oversized client_ids, each different, cannot fill the shared counter table: client
    /// failures are counted under the address alone.
    @Test func oversizedClientIDsAreCountedUnderABoundedKey() async throws {
        let clock = ManualTimeSource()
        try await TestServer.run(timeSource: clock.timeSource) { server in
            let prefix = String(repeating: "x", count: 256)
            for attempt in 0..<50 {
                let reply = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: (prefix + String(repeating: "\(attempt)", count: 8000), "whatever-0123456789"))
                #expect(reply.status == 401 && reply.error == "invalid_client")
            }
            let now = clock.timeSource.now()
            #expect(try await server.store.authenticationLockouts(at: now, limit: 10).keys.sorted() == ["ip:127.0.0.1"])
            #expect(try await server.store.countAuthenticationFailure(key: "ip:127.0.0.1", at: now, resetBefore: now.addingTimeInterval(-3600)) == 51)
        }
    }

    /// With `auditEveryClientCredentialsToken`, one row per token.
    @Test func everyIssuanceIsAuditedWhenAsked() async throws {
        try await TestServer.run(configure: { $0.auditEveryClientCredentialsToken = true }) { server in
            let reply = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report)
            let token = try #require(reply.accessToken)
            let jti = try await server.verifier(audience: "order-service").verify(token).tokenID
            let audit = try await server.store.auditEvents(limit: 5)
            let issued = try #require(audit.first { $0.event == "token.issued" })
            #expect(issued.clientID == "report-service")
            #expect(issued.tokenID == jti)
            #expect(issued.outcome == "success")
            #expect(!audit.contains { ($0.detail ?? "").contains(token) })
        }
    }

    /// By default (issue 17), client-credentials issuance is one row per client, scope set and
    /// minute: the count, the first and last jti; written by IssuanceAuditService (at shutdown
    /// too), nothing lost, no row per token.
    @Test func machineIssuanceIsAuditedByTheMinute() async throws {
        // The server's clock stands still: 31 issuances all in one minute however slow the
        // machine (on the system clock they crossed two minute boundaries in a loaded run).
        let clock = ManualTimeSource()
        try await TestServer.run(timeSource: clock.timeSource) { server in
            var jtis: [String] = []
            let verifier = server.verifier(audience: "order-service")
            for _ in 0..<30 {
                let token = try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report).accessToken)
                jtis.append(try await verifier.verify(token).tokenID)
            }
            let narrow = try await server.post("/oauth2/token", [("grant_type", "client_credentials"), ("scope", "report.read")], basic: Self.report)
            #expect(narrow.status == 200)
            #expect(try await server.store.auditEvents(limit: 100).filter { $0.event == "token.issued" }.isEmpty)
            let aggregator = try #require(server.server.tokens.issuanceAudit)
            let service = IssuanceAuditService(aggregator: aggregator, store: server.store, timeSource: clock.timeSource)
            // Still within its minute: written only when asked for everything.
            #expect(await service.flush(all: false) == 0)
            _ = await service.flush(all: true)
            let rows = try await server.store.auditEvents(limit: 100).filter { $0.event == "token.issued" }
            #expect(rows.count == 2, "\(rows)")
            #expect(rows.reduce(0) { total, row in
                total + (Int(row.detail?.split(separator: " ").dropFirst().first ?? "") ?? 0)
            } == 31)
            #expect(rows.allSatisfy { $0.clientID == "report-service" && $0.outcome == "success" })
            #expect(rows.contains { ($0.detail ?? "").contains(jtis[0]) })
            #expect(Set(rows.compactMap(\.scope)) == ["order.read report.read", "report.read"])
            // Nothing is left to write.
            #expect(await service.flush(all: true) == 0)

            // A minute that could not be written is put back and merged with what came since.
            let minute = Date(timeIntervalSince1970: 1_800_000_000)
            aggregator.record(clientID: "c", scope: ["a"], tokenID: "j1", at: minute)
            let failed = aggregator.drain(finishedBefore: minute.addingTimeInterval(120))
            aggregator.record(clientID: "c", scope: ["a"], tokenID: "j2", at: minute.addingTimeInterval(5))
            for bucket in failed { aggregator.restore(bucket) }
            let merged = aggregator.drain(finishedBefore: nil)
            #expect(merged.map(\.count) == [2])
            #expect(merged.first?.firstTokenID == "j1" && merged.first?.lastTokenID == "j2")
        }
    }
}

/// A client id or user name with control or reordering characters cannot forge a log line or
/// rewrite what `warden audit` shows (issue 11, item 8).
@Suite struct PrintableTextTests {
    @Test func controlAndReorderingCharactersAreEscaped() {
        #expect(PrintableText.escaped("plain-client_1.0") == "plain-client_1.0")
        #expect(PrintableText.escaped("a\nFAKE audit line") == "a\\u{A}FAKE audit line")
        #expect(PrintableText.escaped("\u{1B}[2Jcleared") == "\\u{1B}[2Jcleared")
        #expect(PrintableText.escaped("admin\u{202E}txt.exe") == "admin\\u{202E}txt.exe")
        #expect(PrintableText.escaped("tab\there\r") == "tab\\u{9}here\\u{D}")
        #expect(PrintableText.escaped("\\u{A}") == "\\u{5C}u{A}")
        #expect(PrintableText.escaped("ålice") == "ålice")
        // Arabic letter mark, tag characters, soft hyphen: format characters all.
        #expect(PrintableText.escaped("adm\u{61C}in\u{E0041}\u{AD}") == "adm\\u{61C}in\\u{E0041}\\u{AD}")
    }

    @Test func theAuditLogStoresTheNameAndTheTerminalSeesItEscaped() async throws {
        try await TestServer.run { server in
            _ = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("evil\nclient\u{1B}[31m", "whatever-0123456789"))
            let audit = try await server.store.auditEvents(limit: 5)
            let event = try #require(audit.first { $0.event == "client.authentication_failed" })
            #expect(event.clientID == "evil\nclient\u{1B}[31m")
            let line = AuditCommand.line(event)
            #expect(line.contains("client=evil\\u{A}client\\u{1B}[31m"))
            #expect(!line.contains("\n") && !line.contains("\u{1B}"))
        }
    }
}
