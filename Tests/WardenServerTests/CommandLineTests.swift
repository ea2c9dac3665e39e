import ArgumentParser
import Foundation
import Testing
import WardenCLI
import WardenCore
import WardenServer
import WardenSQLite

/// The `warden` admin commands, run in-process on the database of a running server: what they
/// change takes effect without a restart.
@Suite struct CommandLineTests {
    static func run(_ arguments: [String]) async throws {
        var command = try WardenCommand.parseAsRoot(arguments)
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }

    @Test func adminCommandsReachARunningServer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("warden.sqlite").path
        let keyFile = directory.appendingPathComponent("master.key").path
        let (masterKey, created) = try MasterKey.loadOrCreate(path: keyFile)
        #expect(created)
        let permissions = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600)
        let common = ["--database", database, "--master-key-file", keyFile]

        try await TestServer.run(path: database, masterKey: masterKey, seed: false, configure: {
            $0.keys.refreshInterval = .milliseconds(50)
            // What the CLI changes is seen at once (the defaults: within a second).
            $0.recordCacheLifetime = .zero
            $0.revocationSyncInterval = .zero
        }) { server in
            try await Self.run(["scope", "create", "inventory.read", "--description", "Read the inventory"] + common)
            try await Self.run(["client", "create", "inventory-sync", "--secret", "inventory-sync-secret-0123", "--grant", "client_credentials", "--scope", "inventory.read", "--audience", "inventory"] + common)
            try await Self.run(["client", "create", "inventory-app", "--public", "--grant", "password", "--grant", "refresh_token", "--scope", "inventory.read", "--audience", "inventory", "--redirect-uri", "http://127.0.0.1:7777/cb"] + common)
            try await Self.run(["user", "create", "carol", "--password", "carol-password", "--scope", "inventory.read", "--bcrypt-cost", "4"] + common)

            let issued = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("inventory-sync", "inventory-sync-secret-0123"))
            #expect(issued.status == 200)
            #expect(issued.json["scope"] as? String == "inventory.read")
            let carol = try await server.post("/oauth2/token", [("grant_type", "password"), ("username", "carol"), ("password", "carol-password"), ("client_id", "inventory-app")])
            #expect(carol.status == 200)
            let metadata = try await server.get("/.well-known/oauth-authorization-server")
            #expect((metadata.json["scopes_supported"] as? [String])?.contains("inventory.read") == true)

            // Revoking by jti reaches introspection and the feed at once.
            let token = try #require(issued.accessToken)
            let jti = try await server.verifier(audience: "inventory").verify(token).tokenID
            // New jtis are 128 bits in hex: none begins with "-", so each pastes as an argument.
            #expect(jti.utf8.count == 32 && jti.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            try await Self.run(["token", "revoke", jti] + common)
            let introspection = try await server.post("/oauth2/introspect", [("token", token)], basic: ("inventory-sync", "inventory-sync-secret-0123"))
            #expect(introspection.json["active"] as? Bool == false)
            let feed = try await server.get("/oauth2/revocations").json["revocations"] as? [[String: Any]] ?? []
            #expect(feed.compactMap { $0["jti"] as? String } == [jti])

            // A rotated key is published by the running server.
            let before = try await server.get("/oauth2/jwks").json["keys"] as? [[String: Any]] ?? []
            try await Self.run(["keys", "rotate", "--publish-delay", "0", "--algorithm", "EdDSA"] + common)
            // The server reloads its keys every 50 ms here; a loaded machine may take longer.
            #expect(try await eventually {
                let after = try await server.get("/oauth2/jwks").json["keys"] as? [[String: Any]] ?? []
                return after.count == before.count + 1
            })
            let next = try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("inventory-sync", "inventory-sync-secret-0123")).accessToken)
            #expect(try await server.verifier(audience: "inventory").verify(next).algorithm == .eddsa)

            // Deleting the client stops it at once.
            try await Self.run(["client", "delete", "inventory-sync"] + common)
            let deleted = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("inventory-sync", "inventory-sync-secret-0123"))
            #expect(deleted.error == "invalid_client")

            let audit = try await server.store.auditEvents(limit: 50)
            #expect(audit.contains { $0.event == "key.rotated" })
            #expect(audit.contains { $0.event == "token.revoked" && $0.tokenID == jti })
        }
    }

    @Test func settingsComeFromAJSONConfigFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("from-config.sqlite").path
        let config = directory.appendingPathComponent("warden.json").path
        try Data(#"{"warden": {"database": "\#(database)", "port": 9}}"#.utf8).write(to: URL(fileURLWithPath: config))
        try await Self.run(["scope", "create", "c.read", "--description", "C", "--config", config])
        let store = try await SQLiteStore.open(path: database)
        #expect(try await store.scopes().map(\.scope) == ["c.read"])
        try await store.close()
        // The key file lands beside the configured database.
        #expect(FileManager.default.fileExists(atPath: database) )
        await #expect(throws: (any Error).self) { try await Self.run(["scope", "list", "--config", directory.appendingPathComponent("missing.json").path]) }
    }

    @Test func badInputIsAClearErrorAndChangesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let common = ["--database", directory.appendingPathComponent("w.sqlite").path, "--master-key-file", directory.appendingPathComponent("k").path]
        try await Self.run(["scope", "create", "a.read", "--description", "A"] + common)
        let invalid: [[String]] = [
            ["scope", "create", "bad scope", "--description", "x"],
            ["scope", "create", "a.read", "--description", "again"],
            ["client", "create", "c1", "--grant", "client_credentials", "--scope", "unknown.scope", "--audience", "a"],
            ["client", "create", "c2", "--grant", "teleport", "--audience", "a"],
            // (A confidential client without grants is allowed: a service that only authenticates.)
            ["client", "create", "c3", "--public"],
            ["client", "create", "c3a", "--signing-key-id", "c3a"],
            ["client", "create", "c3b", "--grant", "client_credentials"],
            ["client", "create", "c3c", "--public", "--grant", "authorization_code", "--audience", "a"],
            ["client", "create", "c4", "--public", "--grant", "client_credentials", "--audience", "a"],
            ["client", "create", "c5", "--grant", "authorization_code", "--redirect-uri", "http://evil.example/cb", "--audience", "a"],
            ["client", "create", "c6", "--grant", "client_credentials", "--secret", "short", "--audience", "a"],
            ["client", "create", "c7", "--grant", "client_credentials", "--audience", "a\r"],
            ["client", "create", "c8", "--grant", "authorization_code", "--redirect-uri", "https://x.example/cb\r", "--audience", "a"],
            ["user", "create", "u1", "--password", "pw", "--bcrypt-cost", "4"],
            ["user", "create", "u2", "--bcrypt-cost", "4"],
            // NIST SP 800-63B: at least 8 characters (6 were accepted before).
            ["user", "create", "u3", "--password", "seven77", "--bcrypt-cost", "4"],
            ["user", "create", "u\u{1B}[31m", "--password", "long-enough-password", "--bcrypt-cost", "4"],
            ["user", "create", "u\u{202E}x", "--password", "long-enough-password", "--bcrypt-cost", "4"],
            ["keys", "rotate", "--algorithm", "none"],
            ["keys", "rotate", "--algorithm", "HS256"],
            ["token", "revoke", ""],
            ["audit", "--limit", "0"],
        ]
        for arguments in invalid {
            await #expect(throws: (any Error).self, "\(arguments)") { try await Self.run(arguments + common) }
        }
        let store = try await SQLiteStore.open(path: common[1])
        #expect(try await store.clients().isEmpty)
        #expect(try await store.users().isEmpty)
        #expect(try await store.scopes().map(\.scope) == ["a.read"])
        try await store.close()
    }
}
