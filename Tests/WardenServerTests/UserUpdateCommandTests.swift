import Foundation
import SQLiteNIO
import Synchronization
import Testing
import WardenCore
import WardenServer
import WardenSQLite

/// `warden user update` and `user delete` on the database of a running server (issue 14:
/// permission changes take effect at once): taking a scope away, disabling or deleting a user
/// ends their sessions — live access tokens on the revocation feed, refresh tokens revoked.
@Suite struct UserUpdateCommandTests {
    static func jti(_ token: String) throws -> String {
        let payload = try #require(Base64URL.decodeCanonical(token.split(separator: ".")[1].utf8))
        return try #require((try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])?["jti"] as? String)
    }

    @Test func narrowingOrDisablingAUserEndsTheirSessionsAtOnce() async throws {
        let db = try CommandLineDatabase()
        let common = db.common

        try await db.serve(configure: { $0.recordCacheLifetime = .zero }) { server in
            try await CommandLineTests.run(["scope", "create", "a.read", "--description", "A"] + common)
            try await CommandLineTests.run(["scope", "create", "a.write", "--description", "A, written"] + common)
            try await CommandLineTests.run(["client", "create", "app", "--public", "--grant", "password", "--grant", "refresh_token", "--scope", "a.read", "--scope", "a.write", "--audience", "api"] + common)
            try await CommandLineTests.run(["user", "create", "alice", "--password", "wonderland-1", "--scope", "a.read", "--scope", "a.write", "--bcrypt-cost", "4"] + common)
            try await CommandLineTests.run(["user", "create", "bob", "--password", "builder-123", "--scope", "a.read", "--bcrypt-cost", "4"] + common)
            func login(_ user: String, _ password: String, scope: String = "a.read a.write") async throws -> Reply {
                try await server.post("/oauth2/token", [("grant_type", "password"), ("client_id", "app"), ("username", user), ("password", password), ("scope", scope)])
            }
            func feed() async throws -> Set<String> {
                let page = try await server.get("/oauth2/revocations?after=0")
                return Set((page.json["revocations"] as? [[String: Any]] ?? []).compactMap { $0["jti"] as? String })
            }
            func update(_ arguments: [String]) async throws -> [String: Any] {
                let outcome = try await CommandLineErrorTests.warden(["user", "update"] + arguments + ["--json"] + common)
                #expect(outcome.status == 0, "\(arguments): \(outcome.errors)")
                return (try? JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any]) ?? [:]
            }

            let first = try await login("alice", "wonderland-1")
            let bobs = try await login("bob", "builder-123", scope: "a.read")
            let access = try #require(first.accessToken)
            let refresh = try #require(first.refreshToken)

            // Adding a scope ends nothing.
            try await CommandLineTests.run(["scope", "create", "a.admin", "--description", "A, administered"] + common)
            let widened = try await update(["alice", "--scope", "a.read", "--scope", "a.write", "--scope", "a.admin"])
            #expect(widened["revoked_access_tokens"] == nil)
            #expect(try await feed().isEmpty)

            // Taking one away ends every session of alice, none of bob's.
            let narrowed = try await update(["alice", "--scope", "a.read"])
            #expect(narrowed["revoked_access_tokens"] as? Int == 1)
            #expect(narrowed["revoked_refresh_token_families"] as? Int == 1)
            #expect(narrowed["scopes"] as? [String] == ["a.read"])
            let revoked = try await feed()
            #expect(revoked.contains(try Self.jti(access)))
            #expect(!revoked.contains(try Self.jti(try #require(bobs.accessToken))))
            #expect(try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("client_id", "app"), ("refresh_token", refresh)]).error == "invalid_grant")
            // She signs in again and gets what she may have now.
            #expect(try await login("alice", "wonderland-1").error == "invalid_scope")
            let again = try await login("alice", "wonderland-1", scope: "a.read")
            #expect(again.json["scope"] as? String == "a.read")

            // Disabled: that session ends too, and no new one starts; enabled again: it does.
            let disabled = try await update(["alice", "--disabled"])
            // Counted: what this change ended (the first session's token was revoked before).
            #expect(disabled["revoked_access_tokens"] as? Int == 1)
            #expect(try await feed().contains(try Self.jti(try #require(again.accessToken))))
            #expect(try await login("alice", "wonderland-1", scope: "a.read").status != 200)
            _ = try await update(["alice", "--enabled"])
            #expect(try await login("alice", "wonderland-1", scope: "a.read").status == 200)

            // A new password, from standard input.
            let changed = try await CommandLineErrorTests.warden(["user", "update", "alice", "--password-stdin", "--bcrypt-cost", "4"] + common, input: "through-the-looking-glass\n")
            #expect(changed.status == 0, "\(changed.errors)")
            #expect(try await login("alice", "wonderland-1", scope: "a.read").status != 200)
            #expect(try await login("alice", "through-the-looking-glass", scope: "a.read").status == 200)

            // Refused: nothing changes.
            let before = try await server.store.user(named: "alice")
            for arguments in [["nobody", "--disabled"], ["alice"], ["alice", "--disabled", "--enabled"], ["alice", "--scope", "no.such"],
                              ["alice", "--scope", "a.read", "--no-scopes"], ["alice", "--scope", "bad scope"]] {
                let outcome = try await CommandLineErrorTests.warden(["user", "update"] + arguments + common)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.errors.contains("Error:"), "\(arguments): \(outcome.errors)")
            }
            #expect(try await server.store.user(named: "alice") == before)

            // A client that happens to be called bob, with a token it exchanged from its own.
            let created = try await CommandLineErrorTests.warden(["client", "create", "bob", "--grant", "client_credentials", "--grant", "token-exchange",
                                                                  "--scope", "a.read", "--audience", "api", "--json"] + common)
            let secret = try #require((try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any])?["client_secret"] as? String, "\(created.errors)")
            let own = try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("bob", secret)).accessToken)
            let chained = try #require(try await server.exchange(own, as: ("bob", secret)).accessToken)

            // Deleting bob revokes his live access token as well — not the client bob's.
            let deleted = try await CommandLineErrorTests.warden(["user", "delete", "bob", "--json"] + common)
            #expect(deleted.status == 0, "\(deleted.errors)")
            #expect(try await feed().contains(try Self.jti(try #require(bobs.accessToken))))
            #expect(!(try await feed().contains(try Self.jti(chained))))

            // `end-sessions`: alice's live sessions ended on their own; again, nothing more; a name
            // never seen is refused.
            let live = try #require(try await login("alice", "through-the-looking-glass", scope: "a.read").accessToken)
            let ended = try await CommandLineErrorTests.warden(["user", "end-sessions", "alice", "--json"] + common)
            #expect(ended.status == 0, "\(ended.errors)")
            #expect((try JSONSerialization.jsonObject(with: Data(ended.output.utf8)) as? [String: Any])?["revoked_access_tokens"] as? Int == 2) // this one and the one after the new password
            #expect(try await feed().contains(try Self.jti(live)))
            let again2 = try await CommandLineErrorTests.warden(["user", "end-sessions", "alice", "--json"] + common)
            #expect((try JSONSerialization.jsonObject(with: Data(again2.output.utf8)) as? [String: Any])?["revoked_access_tokens"] as? Int == 0)
            let nobody = try await CommandLineErrorTests.warden(["user", "end-sessions", "nobody"] + common)
            #expect(nobody.status != 0 && nobody.errors.contains("no user nobody"), "\(nobody.errors)")

            // The audit log says what changed and what ended (never a password).
            let audit = try await server.store.auditEvents(limit: 100).filter { $0.subject == "alice" && $0.event == "user.updated" }.compactMap(\.detail)
            #expect(audit.contains("warden user update: scopes: a.read; sessions ended: 1 access tokens revoked, 1 refresh token families"))
            #expect(audit.contains("warden user update: disabled; sessions ended: 1 access tokens revoked, 1 refresh token families"))
            // A new password ends the session begun after enabling (the only one not yet revoked).
            #expect(audit.contains("warden user update: password changed; sessions ended: 1 access tokens revoked, 1 refresh token families"))
            #expect(!audit.contains { $0.contains("looking-glass") })
        }
    }

    /// The review's race (issue 14): the whole of `warden user update` runs after the server read
    /// the user and before it recorded the new token — a password grant in the middle of bcrypt,
    /// a refresh, an exchange. The listing of the user's tokens cannot see that token; the
    /// server's second reading of the user must, and revoke it.
    @Test func aTokenIssuedWhileTheUserChangesIsRevokedToo() async throws {
        let db = try CommandLineDatabase()
        let common = db.common
        // The update to run in the window, once, when alice's next token is about to be recorded.
        let pending = Mutex<[String]?>(nil)
        let sqlite = try await SQLiteStore.open(path: db.path)
        let store = InterposingStore(sqlite) { token in
            guard token.subject == "alice", let arguments = pending.withLock({ value in defer { value = nil }; return value }) else { return }
            try? await CommandLineTests.run((arguments.first == "end-sessions" ? ["user", "end-sessions", "alice"] : ["user", "update", "alice"] + arguments) + common)
        }
        defer { Task { try? await sqlite.close() } }

        try await TestServer.run(store: store, masterKey: db.masterKey, configure: { $0.recordCacheLifetime = .zero }) { server in
            func feed() async throws -> Set<String> {
                let page = try await server.get("/oauth2/revocations?after=0")
                return Set((page.json["revocations"] as? [[String: Any]] ?? []).compactMap { $0["jti"] as? String })
            }
            func during(_ arguments: [String], _ request: () async throws -> Reply) async throws -> Reply {
                pending.withLock { $0 = arguments }
                let reply = try await request()
                #expect(pending.withLock { $0 } == nil, "the update ran")
                return reply
            }
            func recordedJTIs() async throws -> Set<String> {
                Set(try await server.store.issuedTokens(subject: "alice", liveAt: Date()).map(\.tokenID))
            }

            // Widening in the window ends nothing: the token stands.
            let widened = try await during(["--scope", "order.read", "--scope", "order.write", "--scope", "payment.create", "--scope", "ledger.write", "--scope", "report.read"]) {
                try await server.passwordToken("alice", "wonderland", scope: "order.read order.write payment.create")
            }
            #expect(widened.status == 200, "\(widened)")
            let session = try #require(widened.accessToken)
            let refresh = try #require(widened.refreshToken)

            // A refresh while a scope is taken away: refused, and its token revoked.
            let before = try await recordedJTIs()
            let refreshed = try await during(["--scope", "order.read", "--scope", "order.write", "--scope", "payment.create"]) {
                try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("client_id", "shop-web"), ("refresh_token", refresh)])
            }
            #expect(refreshed.error == "invalid_grant", "\(refreshed)")
            let late = try await recordedJTIs().subtracting(before)
            #expect(late.count == 1)
            #expect(try await feed().isSuperset(of: late))
            #expect(try await feed().contains(try Self.jti(session)))

            // An exchange while alice is disabled: refused, its token revoked.
            try await CommandLineTests.run(["user", "update", "alice", "--enabled", "--scope", "order.read", "--scope", "order.write", "--scope", "payment.create"] + common)
            let second = try await server.passwordToken("alice", "wonderland", scope: "order.write payment.create")
            let subject = try #require(second.accessToken, "\(second)")
            let beforeExchange = try await recordedJTIs()
            let exchanged = try await during(["--disabled"]) {
                try await server.exchange(subject, as: TokenExchangeTests.order, audience: "payment-service", scope: "payment.create")
            }
            #expect(exchanged.error == "invalid_grant", "\(exchanged)")
            let lateExchange = try await recordedJTIs().subtracting(beforeExchange)
            #expect(lateExchange.count == 1)
            #expect(try await feed().isSuperset(of: lateExchange))

            // An exchange while `end-sessions` runs (nothing else changes): refused, revoked.
            try await CommandLineTests.run(["user", "update", "alice", "--enabled"] + common)
            let fourth = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.write payment.create").accessToken)
            let beforeEnd = try await recordedJTIs()
            let duringEnd = try await during(["end-sessions"]) {
                try await server.exchange(fourth, as: TokenExchangeTests.order, audience: "payment-service", scope: "payment.create")
            }
            #expect(duringEnd.error == "invalid_grant", "\(duringEnd)")
            let lateEnd = try await recordedJTIs().subtracting(beforeEnd)
            #expect(lateEnd.count == 1)
            #expect(try await feed().isSuperset(of: lateEnd))

            // A password grant whose bcrypt ran against the old password: refused, revoked, and
            // its refresh token dead.
            let beforePassword = try await recordedJTIs()
            let signedIn = try await during(["--disabled"]) {
                try await server.passwordToken("alice", "wonderland", scope: "order.read")
            }
            #expect(signedIn.error == "invalid_grant", "\(signedIn)")
            let latePassword = try await recordedJTIs().subtracting(beforePassword)
            #expect(latePassword.count == 1)
            #expect(try await feed().isSuperset(of: latePassword))
            #expect(try await server.store.refreshTokenFamilies(subject: "alice", liveAt: Date()).isEmpty)

            // Right after an update (before the server's mirror of the feed catches up), the
            // token it revoked is not exchanged, and a narrowed user's token delegates no more
            // than they may have now.
            try await CommandLineTests.run(["user", "update", "alice", "--enabled"] + common)
            let third = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.write payment.create").accessToken)
            try await CommandLineTests.run(["user", "update", "alice", "--disabled"] + common)
            #expect(try await server.exchange(third, as: TokenExchangeTests.order, audience: "payment-service", scope: "payment.create").error == "invalid_grant")
        }
    }

    /// A user or client row whose list text is not in Warden's canonical order (written by SQL,
    /// or by an older version) is updated like any other: the compare-and-set compares the text
    /// as stored (the review found it failing for ever, "kept changing").
    @Test func rowsWrittenByOtherMeansAreUpdatedToo() async throws {
        let db = try CommandLineDatabase()
        let common = db.common
        try await CommandLineTests.run(["scope", "create", "a.read", "--description", "A"] + common)
        try await CommandLineTests.run(["scope", "create", "a.write", "--description", "A, written"] + common)
        try await CommandLineTests.run(["user", "create", "alice", "--password", "wonderland-1", "--scope", "a.read", "--scope", "a.write", "--bcrypt-cost", "4"] + common)
        try await CommandLineTests.run(["client", "create", "svc", "--grant", "client_credentials", "--scope", "a.read", "--scope", "a.write", "--audience", "api", "--audience", "other"] + common)
        let raw = try await SQLiteConnection.open(storage: .file(path: db.path))
        _ = try await raw.query("UPDATE users SET scopes = 'a.write a.read' WHERE name = 'alice'")
        _ = try await raw.query("UPDATE clients SET scopes = 'a.write a.read', grants = 'client_credentials' WHERE id = 'svc'")
        try await raw.close()

        try await CommandLineTests.run(["user", "update", "alice", "--scope", "a.read"] + common)
        try await CommandLineTests.run(["client", "update", "svc", "--scope", "a.read"] + common)
        let store = try await SQLiteStore.open(path: db.path)
        #expect(try await store.user(named: "alice")?.scopes == ["a.read"])
        #expect(try await store.client(id: "svc")?.scopes == ["a.read"])
        // And a change in between still fails the set.
        let alice = try #require(try await store.user(named: "alice"))
        var changed = alice
        changed.disabled = true
        #expect(try await store.updateUser(changed, replacing: alice))
        #expect(try await !store.updateUser(alice, replacing: alice))
        try await store.close()
    }
}
