import Foundation
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
        let directory = try CommandLineErrorTests.temporaryDirectory()
        let database = directory + "/warden.sqlite"
        let keyFile = directory + "/master.key"
        let (masterKey, _) = try MasterKey.loadOrCreate(path: keyFile)
        let common = ["--database", database, "--master-key-file", keyFile]

        try await TestServer.run(path: database, masterKey: masterKey, seed: false, configure: { $0.recordCacheLifetime = .zero }) { server in
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
            #expect(disabled["revoked_access_tokens"] as? Int == 2)
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

            // Deleting bob revokes his live access token as well.
            let deleted = try await CommandLineErrorTests.warden(["user", "delete", "bob", "--json"] + common)
            #expect(deleted.status == 0, "\(deleted.errors)")
            #expect(try await feed().contains(try Self.jti(try #require(bobs.accessToken))))

            // The audit log says what changed and what ended (never a password).
            let audit = try await server.store.auditEvents(limit: 100).filter { $0.subject == "alice" && $0.event == "user.updated" }.compactMap(\.detail)
            #expect(audit.contains("warden user update: scopes: a.read; sessions ended: 1 access tokens revoked, 1 refresh token families"))
            #expect(audit.contains("warden user update: disabled; sessions ended: 2 access tokens revoked, 1 refresh token families"))
            #expect(audit.contains("warden user update: password changed"))
            #expect(!audit.contains { $0.contains("looking-glass") })
        }
    }
}
