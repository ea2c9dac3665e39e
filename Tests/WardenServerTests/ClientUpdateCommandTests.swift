import Foundation
import Synchronization
import Testing
import WardenCore
import WardenClient
import WardenServer
import WardenSQLite

/// `warden client update` on the database of a running server: each change takes effect at the
/// token endpoint without a restart, and a refused change leaves the client as it was.
@Suite struct ClientUpdateCommandTests {
    @Test func eachChangeTakesEffectOnARunningServer() async throws {
        let db = try CommandLineDatabase()
        let common = db.common
        let form = [("grant_type", "client_credentials")]

        try await db.serve(configure: { $0.recordCacheLifetime = .zero }) { server in
            try await CommandLineTests.run(["scope", "create", "a.read", "--description", "A"] + common)
            try await CommandLineTests.run(["scope", "create", "a.write", "--description", "A, written"] + common)
            try await CommandLineTests.run(["client", "create", "svc", "--secret", "svc-secret-0123456789", "--grant", "client_credentials",
                                            "--scope", "a.read", "--scope", "a.write", "--audience", "api"] + common)
            try await CommandLineTests.run(["client", "create", "app", "--public", "--grant", "password", "--scope", "a.read", "--audience", "api"] + common)
            let basic = ("svc", "svc-secret-0123456789")
            #expect(try await server.post("/oauth2/token", form, basic: basic).json["scope"] as? String == "a.read a.write")

            // Scopes narrowed: the default shrinks, asking for the removed one is invalid_scope.
            try await CommandLineTests.run(["client", "update", "svc", "--scope", "a.read"] + common)
            #expect(try await server.post("/oauth2/token", form, basic: basic).json["scope"] as? String == "a.read")
            #expect(try await server.post("/oauth2/token", form + [("scope", "a.write")], basic: basic).error == "invalid_scope")

            // DPoP required (RFC 9449 §5.2), then no longer.
            try await CommandLineTests.run(["client", "update", "svc", "--require-dpop"] + common)
            #expect(try await server.post("/oauth2/token", form, basic: basic).error == "invalid_dpop_proof")
            let key = await DPoPProofSigner.generateES256()
            let bound = try await server.post("/oauth2/token", form, basic: basic, headers: [("DPoP", try key.proof(method: "POST", uri: "http://warden.test/oauth2/token"))])
            #expect(bound.json["token_type"] as? String == "DPoP")
            try await CommandLineTests.run(["client", "update", "svc", "--no-require-dpop"] + common)
            #expect(try await server.post("/oauth2/token", form, basic: basic).json["token_type"] as? String == "Bearer")

            // Lifetime set, then the server's default again.
            try await CommandLineTests.run(["client", "update", "svc", "--token-lifetime", "120"] + common)
            #expect(try await server.post("/oauth2/token", form, basic: basic).json["expires_in"] as? Int == 120)
            try await CommandLineTests.run(["client", "update", "svc", "--default-token-lifetime"] + common)
            #expect(try await server.post("/oauth2/token", form, basic: basic).json["expires_in"] as? Int != 120)

            // A new generated secret, printed once (from the real executable): the old one stops at once.
            let rotated = try await CommandLineErrorTests.warden(["client", "update", "svc", "--rotate-secret", "--json"] + common)
            #expect(rotated.status == 0, "\(rotated.errors)")
            let printed = try JSONSerialization.jsonObject(with: Data(rotated.output.utf8)) as? [String: Any]
            let secret = try #require(printed?["client_secret"] as? String)
            #expect(printed?["scopes"] as? [String] == ["a.read"])
            #expect(try await server.post("/oauth2/token", form, basic: basic).error == "invalid_client")
            #expect(try await server.post("/oauth2/token", form, basic: ("svc", secret)).status == 200)

            // Refused changes name the cause and change nothing.
            let before = try await server.store.client(id: "svc")
            let appBefore = try await server.store.client(id: "app")
            let refused: [[String]] = [
                ["client", "update", "nobody", "--scope", "a.read"],
                ["client", "update", "svc"],
                ["client", "update", "svc", "--scope", "unknown.scope"],
                ["client", "update", "svc", "--grant", "teleport"],
                ["client", "update", "svc", "--grant", "authorization_code"],
                ["client", "update", "svc", "--scope", "a.read", "--no-scopes"],
                ["client", "update", "svc", "--token-lifetime", "0"],
                ["client", "update", "svc", "--token-lifetime", "60", "--default-token-lifetime"],
                ["client", "update", "svc", "--redirect-uri", "http://evil.example/cb"],
                ["client", "update", "svc", "--audience", ""],
                ["client", "update", "svc", "--audience", "api\r", "--audience", "other"],
                ["client", "update", "svc", "--audience", "a b"],
                ["client", "update", "svc", "--audience", "a\u{1B}[31m"],
                ["client", "update", "svc", "--audience", String(repeating: "a", count: 300)],
                ["client", "update", "svc", "--redirect-uri", "https://x.example/cb\r", "--grant", "authorization_code"],
                ["client", "update", "svc", "--rotate-secret", "--secret-stdin"],
                ["client", "update", "app", "--rotate-secret"],
                ["client", "update", "app", "--grant", "client_credentials"],
            ]
            for arguments in refused {
                let outcome = try await CommandLineErrorTests.warden(arguments + common)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.errors.contains("Error:"), "\(arguments): \(outcome.errors)")
            }
            #expect(try await server.store.client(id: "svc") == before)
            #expect(try await server.store.client(id: "app") == appBefore)
            #expect(try await server.store.client(id: "nobody") == nil)

            // Each change is in the audit log, what changed named, the secret never.
            let audit = try await server.store.auditEvents(limit: 100).filter { $0.clientID == "svc" && $0.event.hasPrefix("client.") }
            let details = audit.compactMap(\.detail)
            #expect(audit.filter { $0.event == "client.updated" }.count == 6)
            #expect(audit.contains { $0.event == "client.created" })
            // What took something away says its tokens were revoked (issue 14).
            #expect(details.contains("warden client update: scopes: a.read; its tokens revoked"))
            #expect(details.contains("warden client update: dpop_bound_access_tokens: true; its tokens revoked"))
            #expect(details.contains("warden client update: dpop_bound_access_tokens: false"))
            #expect(details.contains("warden client update: token_lifetime: 120 s"))
            #expect(details.contains("warden client update: secret rotated; its tokens revoked"))
            #expect(!details.contains { $0.contains(secret) })
        }
    }

    /// Two updates at once (two processes on one SQLite file) both land: each writes only what
    /// it read unchanged, and reads again otherwise (a review lost one in 5 of 15 tries before).
    @Test func concurrentUpdatesBothLand() async throws {
        let directory = try CommandLineErrorTests.temporaryDirectory()
        let common = ["--database", directory + "/w.sqlite", "--master-key-file", directory + "/k"]
        try await CommandLineTests.run(["scope", "create", "a.read", "--description", "A"] + common)
        for trial in 0..<6 {
            let id = "svc\(trial)"
            try await CommandLineTests.run(["client", "create", id, "--secret", "svc-secret-0123456789", "--grant", "client_credentials", "--scope", "a.read", "--audience", "api"] + common)
            async let first = CommandLineErrorTests.warden(["client", "update", id, "--require-dpop"] + common)
            async let second = CommandLineErrorTests.warden(["client", "update", id, "--token-lifetime", "100"] + common)
            let (a, b) = try await (first, second)
            #expect(a.status == 0 && b.status == 0, "\(a.errors) \(b.errors)")
            let store = try await SQLiteStore.open(path: common[1])
            let client = try await store.client(id: id)
            try await store.close()
            #expect(client?.requiresDPoP == true, "trial \(trial)")
            #expect(client?.accessTokenLifetime == .seconds(100), "trial \(trial)")
        }
    }

    /// Issue 14: a change that takes something away from a client revokes the tokens it was
    /// issued — client-credentials tokens too, which are not recorded one by one — with one
    /// client entry on the revocation feed: introspection says inactive at once, a service
    /// following the feed refuses them. A change that takes nothing away revokes nothing;
    /// deleting the client revokes the rest.
    @Test func narrowingOrDeletingAClientRevokesItsTokens() async throws {
        let db = try CommandLineDatabase()
        let common = db.common
        try await db.serve(configure: { $0.recordCacheLifetime = .zero; $0.revocationSyncInterval = .zero }) { server in
            try await CommandLineTests.run(["scope", "create", "a.read", "--description", "A"] + common)
            try await CommandLineTests.run(["scope", "create", "a.write", "--description", "A, written"] + common)
            try await CommandLineTests.run(["client", "create", "svc", "--secret", "svc-secret-0123456789", "--grant", "client_credentials",
                                            "--scope", "a.read", "--scope", "a.write", "--audience", "api"] + common)
            try await CommandLineTests.run(["client", "create", "api", "--secret", "api-secret-0123456789"] + common)
            func token() async throws -> String {
                try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("svc", "svc-secret-0123456789")).accessToken)
            }
            func active(_ token: String) async throws -> Bool {
                try await server.post("/oauth2/introspect", [("token", token)], basic: ("api", "api-secret-0123456789")).json["active"] as? Bool == true
            }
            // A service's view: the feed, as `AuthorizationServerConnection` follows it.
            let list = RevocationList()
            let feed = RevocationFeedSubscriber(url: server.baseURL + "/oauth2/revocations", revocations: list)
            func refusedByServices(_ token: String) throws -> Bool {
                let payload = try #require(Base64URL.decodeCanonical(token.split(separator: ".")[1].utf8))
                let claims = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
                return list.isRevoked(tokenID: try #require(claims["jti"] as? String), clientID: try #require(claims["client_id"] as? String),
                                      issuedAt: Date(timeIntervalSince1970: try #require(claims["iat"] as? Double)))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await feed.run() }
                defer { group.cancelAll() }
                let before = try await token()
                #expect(try await active(before))
                // Nothing taken away: nothing revoked.
                try await CommandLineTests.run(["client", "update", "svc", "--token-lifetime", "120", "--audience", "api", "--audience", "reports"] + common)
                #expect(try await active(before))
                // A scope taken away: revoked at once, and at services within the feed's latency.
                let narrowed = try await CommandLineErrorTests.warden(["client", "update", "svc", "--scope", "a.read", "--json"] + common)
                #expect(narrowed.status == 0, "\(narrowed.errors)")
                #expect((try JSONSerialization.jsonObject(with: Data(narrowed.output.utf8)) as? [String: Any])?["tokens_revoked"] as? Bool == true)
                #expect(try await !active(before))
                #expect(try await eventually(within: 10) { try refusedByServices(before) })
                // On the JSON page of the feed: a client entry, no jti.
                let page = try await server.get("/oauth2/revocations")
                let entries = (try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any])?["revocations"] as? [[String: Any]] ?? []
                let entry = try #require(entries.first { $0["client_id"] as? String == "svc" }, "\(entries)")
                #expect(entry["jti"] == nil && (entry["iat_before"] as? Double ?? 0) > Date().timeIntervalSince1970 - 10 && entry["exp"] is Double)
                // A service reporting that revoked token presented again (its jti is on no list:
                // the client entry covers it): counted, three times an alert (a review found
                // such reports dropped); the reserved form of an entry is no jti to report.
                let payloadBytes = try #require(Base64URL.decodeCanonical(before.split(separator: ".")[1].utf8))
                let claims = try #require(try JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any])
                let jti = try #require(claims["jti"] as? String)
                func report(jti: String, count: Int, route: String? = nil) -> String {
                    var event: [String: Any] = ["kind": "invalid_token", "reason": "revoked", "client_id": "svc", "sub": "svc", "token_jti": jti,
                                                "token_iat": claims["iat"] as? Double ?? 0, "count": count]
                    if let route { event["route"] = route }
                    let payload: [String: Any] = ["iss": "api", "iat": Date().timeIntervalSince1970.rounded(.down), "jti": UUID().uuidString,
                                                  "events": ["http://warden.test/events/access-refused": event]]
                    return String(decoding: try! JSONSerialization.data(withJSONObject: [payload]), as: UTF8.self)
                }
                let reported = try await server.post("/oauth2/security-events", [], basic: ("api", "api-secret-0123456789"), contentType: "application/json", rawBody: report(jti: jti, count: 3))
                #expect(reported.json["accepted"] as? Int == 1, "\(reported)")
                let reserved = try await server.post("/oauth2/security-events", [], basic: ("api", "api-secret-0123456789"), contentType: "application/json", rawBody: report(jti: "client-before:1:svc", count: 3))
                #expect(reserved.json["accepted"] as? Int == 0, "\(reserved)")
                // Free text that would read as other fields in the audit row is refused.
                for route in ["GET /orders count 999999", "GET\t/orders", "get /orders", "orders", "GET /orders\n"] {
                    let injected = try await server.post("/oauth2/security-events", [], basic: ("api", "api-secret-0123456789"), contentType: "application/json",
                                                         rawBody: report(jti: jti, count: 1, route: route))
                    #expect(injected.json["accepted"] as? Int == 0, "\(route)")
                }
                let replay = try await server.store.alerts(limit: 10).filter { $0.kind == "revoked_token_use" }
                #expect(replay.count == 1 && replay.first?.clientID == "svc", "\(replay)")
                // A token got once the entry's margin has passed is good.
                try await Task.sleep(for: .milliseconds(Int(ClientTokenRevocation.margin * 1000) + 1100))
                let after = try await token()
                #expect(try await active(after))
                #expect(try !refusedByServices(after))
                // Disabled: no tokens, its tokens revoked; enabled: tokens again.
                let beforeDisabling = try await token()
                try await CommandLineTests.run(["client", "update", "svc", "--disabled"] + common)
                #expect(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("svc", "svc-secret-0123456789")).error == "invalid_client")
                #expect(try await !active(beforeDisabling))
                #expect(try await eventually(within: 10) { try refusedByServices(beforeDisabling) })
                let listed = try await CommandLineErrorTests.warden(["client", "list"] + common)
                #expect(listed.output.split(separator: "\n").contains { $0.hasPrefix("svc\t") && $0.hasSuffix("\tdisabled") }, "\(listed.output)")
                try await CommandLineTests.run(["client", "update", "svc", "--enabled"] + common)
                try await Task.sleep(for: .milliseconds(Int(ClientTokenRevocation.margin * 1000) + 1100))
                #expect(try await active(try await token()))
                // An audience taken away revokes too; so does deleting the client.
                try await CommandLineTests.run(["client", "update", "svc", "--audience", "api"] + common)
                #expect(try await !active(after))
                try await Task.sleep(for: .milliseconds(Int(ClientTokenRevocation.margin * 1000) + 1100))
                let last = try await token()
                #expect(try await active(last))
                let deleted = try await CommandLineErrorTests.warden(["client", "delete", "svc"] + common)
                #expect(deleted.output.contains("the tokens it was issued are revoked"))
                #expect(try await !active(last))
                #expect(try await eventually(within: 10) { try refusedByServices(last) })
                // The audit log says what the change did.
                let details = try await server.store.auditEvents(limit: 50).compactMap(\.detail)
                #expect(details.filter { $0.hasSuffix("; its tokens revoked") }.count == 4)
                #expect(details.contains("warden client update: disabled; its tokens revoked") && details.contains("warden client update: enabled"))
            }
        }
    }

    /// Issue 14: a token another client got by exchanging one of a narrowed client's is revoked
    /// with it, along the whole chain (a service's token kept the scope taken away before) —
    /// and the tokens the chain came from are not: narrowing a service never ends the user's
    /// sign-in at the web app. What the CLI does (`ClientTokenRevocation`, then the update) is
    /// done here on the server's own store. The server's mirror of the feed would wait an hour
    /// before reading it again: an exchange reads it afresh after recording its token.
    @Test func tokensExchangedFromANarrowedClientsAreRevokedWithThem() async throws {
        try await TestServer.run(configure: { $0.recordCacheLifetime = .zero; $0.revocationSyncInterval = .seconds(3600) }) { server in
            let (order, payment) = (TokenExchangeTests.order, TokenExchangeTests.payment)
            func jti(_ token: String, _ audience: String) async throws -> String {
                try await server.verifier(audience: audience).verify(token).tokenID
            }
            func active(_ token: String, as caller: (String, String)) async throws -> Bool {
                try await server.post("/oauth2/introspect", [("token", token)], basic: caller).json["active"] as? Bool == true
            }
            func narrow(_ id: String, to scopes: ScopeSet) async throws {
                let stored = try #require(try await server.store.client(id: id))
                var changed = stored
                changed.scopes = scopes
                #expect(stored.revokesTokens(whenChangedTo: changed))
                try await ClientTokenRevocation.revokeTokens(of: id, in: server.store)
                #expect(try await server.store.updateClient(changed, replacing: stored))
                try await ClientTokenRevocation.revokeExchangedTokens(from: id, in: server.store)
            }
            // alice signs in at shop-web; order-service exchanges her token for payment-service,
            // which exchanges onwards for ledger-service; and payment-service exchanges one of
            // order-service's own client-credentials tokens.
            let signIn = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.write payment.create ledger.write").accessToken)
            let toPayment = try #require(try await server.exchange(signIn, as: order, audience: "payment-service", scope: "payment.create ledger.write").accessToken)
            let toLedger = try #require(try await server.exchange(toPayment, as: payment, audience: "ledger-service", scope: "ledger.write").accessToken)
            let machine = try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: order).accessToken)
            let fromMachine = try #require(try await server.exchange(machine, as: payment, audience: "ledger-service", scope: "ledger.write").accessToken)
            #expect(try await server.store.issuedToken(id: try await jti(toPayment, "payment-service"))?.derivedFrom == ["shop-web"])
            #expect(try await server.store.issuedToken(id: try await jti(toLedger, "ledger-service"))?.derivedFrom == ["shop-web", "order-service"])
            #expect(try await server.store.issuedToken(id: try await jti(fromMachine, "ledger-service"))?.derivedFrom == ["order-service"])

            // order-service narrowed: its own tokens (the client entry) and what was exchanged from
            // them (one by one on the feed) are revoked; alice's sign-in at shop-web is not.
            try await narrow("order-service", to: ["payment.create"])
            #expect(try await server.store.isRevoked(tokenID: try await jti(toLedger, "ledger-service")))
            #expect(try await server.store.isRevoked(tokenID: try await jti(fromMachine, "ledger-service")))
            #expect(try await !server.store.isRevoked(tokenID: try await jti(signIn, "order-service")))
            #expect(try await server.exchange(toPayment, as: payment, audience: "ledger-service", scope: "ledger.write").error == "invalid_grant")
            #expect(try await !active(toLedger, as: payment))
            #expect(try await !active(toPayment, as: payment))
            #expect(try await !active(fromMachine, as: payment))
            #expect(try await active(signIn, as: order))

            // shop-web narrowed: the tokens exchanged from its tokens go with them, and its
            // tokens can no longer be exchanged — at once, whatever the feed's mirror read last.
            try await Task.sleep(for: .milliseconds(Int(ClientTokenRevocation.margin * 1000) + 1100))
            let again = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.write payment.create").accessToken)
            let exchanged = try #require(try await server.exchange(again, as: order, audience: "payment-service", scope: "payment.create").accessToken)
            #expect(try await active(exchanged, as: payment))
            try await narrow("shop-web", to: ["order.read", "order.write", "payment.create"])
            #expect(try await server.store.isRevoked(tokenID: try await jti(exchanged, "payment-service")))
            #expect(try await server.exchange(again, as: order, audience: "payment-service", scope: "payment.create").error == "invalid_grant")
            #expect(try await !active(exchanged, as: payment))
            #expect(try await !active(again, as: order))
            // After the entry's margin, a new sign-in is exchanged as before.
            try await Task.sleep(for: .milliseconds(Int(ClientTokenRevocation.margin * 1000) + 1100))
            let fresh = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.write payment.create").accessToken)
            let freshlyExchanged = try #require(try await server.exchange(fresh, as: order, audience: "payment-service", scope: "payment.create").accessToken)
            #expect(try await active(freshlyExchanged, as: payment))
        }
    }

    /// A review (issue 14): narrowing a service while another exchange from one of its chains is
    /// in flight — the sweep revokes that exchange's subject token under it — refuses that one
    /// exchange and revokes only what it minted; alice's sign-in at shop-web, where the chain
    /// began, stays (it was ended whole before).
    @Test func narrowingAServiceMidExchangeKeepsTheUsersSignIn() async throws {
        let narrowNow = Mutex(false)
        let sqlite = try await SQLiteStore.open(path: FileManager.default.temporaryDirectory.appendingPathComponent("mid-exchange-\(UUID().uuidString).sqlite").path)
        defer { Task { try? await sqlite.close() } }
        let store = InterposingStore(sqlite) { token in
            guard token.clientID == "payment-service", narrowNow.withLock({ now in defer { now = false }; return now }) else { return }
            // What `warden client update order-service --scope payment.create` does, in the window.
            guard let stored = try? await sqlite.client(id: "order-service") else { return }
            var changed = stored
            changed.scopes = ["payment.create"]
            _ = try? await ClientTokenRevocation.revokeTokens(of: "order-service", in: sqlite)
            _ = try? await sqlite.updateClient(changed, replacing: stored)
            try? await ClientTokenRevocation.revokeExchangedTokens(from: "order-service", in: sqlite)
        }
        try await TestServer.run(store: store, configure: { $0.recordCacheLifetime = .zero }) { server in
            let (order, payment) = (TokenExchangeTests.order, TokenExchangeTests.payment)
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.write payment.create ledger.write")
            let signIn = try #require(login.accessToken)
            let toPayment = try #require(try await server.exchange(signIn, as: order, audience: "payment-service", scope: "payment.create ledger.write").accessToken)
            let toLedger = try #require(try await server.exchange(toPayment, as: payment, audience: "ledger-service", scope: "ledger.write").accessToken)
            narrowNow.withLock { $0 = true }
            let again = try await server.exchange(toLedger, as: payment, audience: "ledger-service", scope: "ledger.write")
            #expect(!narrowNow.withLock { $0 }, "the narrowing ran")
            #expect(again.error == "invalid_grant", "\(again)")
            // alice's sign-in at shop-web is untouched: her token, her refresh token.
            #expect(try await server.post("/oauth2/introspect", [("token", signIn)], basic: order).json["active"] as? Bool == true)
            let refreshed = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("client_id", "shop-web"), ("refresh_token", try #require(login.refreshToken))])
            #expect(refreshed.status == 200, "\(refreshed)")
        }
    }

    /// A review (issue 14): refresh tokens and codes do not outlive a narrowing — disabled and
    /// enabled again, or an audience taken away, the client's refresh tokens are refused (the
    /// family revoked), before redemption, so a retry is no "reuse" alert.
    @Test func refreshTokensDoNotOutliveANarrowing() async throws {
        let db = try CommandLineDatabase()
        let common = db.common
        try await db.serve(configure: { $0.recordCacheLifetime = .zero; $0.revocationSyncInterval = .zero }) { server in
            try await CommandLineTests.run(["scope", "create", "a.read", "--description", "A"] + common)
            try await CommandLineTests.run(["client", "create", "pub", "--public", "--grant", "password", "--grant", "refresh_token", "--scope", "a.read",
                                            "--audience", "api", "--audience", "api2"] + common)
            try await CommandLineTests.run(["user", "create", "alice", "--password", "wonderland-1", "--scope", "a.read", "--bcrypt-cost", "4"] + common)
            func signIn(audience: String = "api") async throws -> String {
                try #require(try await server.post("/oauth2/token", [("grant_type", "password"), ("client_id", "pub"), ("username", "alice"), ("password", "wonderland-1"),
                                                                      ("scope", "a.read"), ("resource", audience)]).refreshToken)
            }
            func refresh(_ token: String) async throws -> Reply {
                try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("client_id", "pub"), ("refresh_token", token)])
            }
            let margin = Int(ClientTokenRevocation.margin * 1000) + 1100
            // Disabled, then enabled again: the old refresh token stays dead.
            let beforeDisabling = try await signIn()
            try await CommandLineTests.run(["client", "update", "pub", "--disabled"] + common)
            try await CommandLineTests.run(["client", "update", "pub", "--enabled"] + common)
            try await Task.sleep(for: .milliseconds(margin))
            #expect(try await refresh(beforeDisabling).error == "invalid_grant")
            // A new sign-in works, and refreshes.
            let fresh = try await signIn()
            #expect(try await refresh(fresh).status == 200)
            // An audience taken away: refused, and refused again without a reuse alert.
            let forApi2 = try await signIn(audience: "api2")
            try await CommandLineTests.run(["client", "update", "pub", "--audience", "api"] + common)
            #expect(try await refresh(forApi2).error == "invalid_grant")
            #expect(try await refresh(forApi2).error == "invalid_grant")
            #expect(try await server.store.alerts(limit: 10).filter { $0.kind == "refresh_token_reuse" }.isEmpty)
        }
    }
}
