import Foundation
import Testing
import WardenCore
import WardenServer
import WardenSQLite

/// `warden client update` on the database of a running server: each change takes effect at the
/// token endpoint without a restart, and a refused change leaves the client as it was.
@Suite struct ClientUpdateCommandTests {
    @Test func eachChangeTakesEffectOnARunningServer() async throws {
        let directory = try CommandLineErrorTests.temporaryDirectory()
        let database = directory + "/warden.sqlite"
        let keyFile = directory + "/master.key"
        let (masterKey, _) = try MasterKey.loadOrCreate(path: keyFile)
        let common = ["--database", database, "--master-key-file", keyFile]
        let form = [("grant_type", "client_credentials")]

        try await TestServer.run(path: database, masterKey: masterKey, seed: false, configure: { $0.recordCacheLifetime = .zero }) { server in
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
            #expect(details.contains("warden client update: scopes: a.read"))
            #expect(details.contains("warden client update: dpop_bound_access_tokens: true"))
            #expect(details.contains("warden client update: token_lifetime: 120 s"))
            #expect(details.contains("warden client update: secret rotated"))
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
}
