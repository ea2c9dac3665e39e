import Foundation
import Testing
import WardenClient
import WardenCore
import WardenServer
import WardenServerHummingbird
import WardenSQLite
import WardenTesting

/// Rotation publishes before it signs and keeps old keys until their tokens are gone; a restart
/// on the same SQLite file loses nothing; a wrong master key touches nothing.
@Suite struct KeyRotationAndRestartTests {
    static let report = ("report-service", TestServer.reportSecret)

    @Test func rotationNeverFailsAVerificationAndRetiresTheOldKeyLater() async throws {
        let clock = ManualTimeSource(Date())
        try await TestServer.run(timeSource: clock.timeSource, configure: {
            $0.keys.publishDelay = .seconds(300)
            $0.keys.maximumTokenLifetime = .seconds(600)
        }) { server in
            let verifier = AccessTokenVerifier(
                configuration: .init(issuer: server.server.configuration.issuer, audience: "order-service"),
                keys: RemoteJWKSKeySet(url: server.baseURL + "/oauth2/jwks", timeSource: clock.timeSource),
                timeSource: clock.timeSource
            )
            func issue() async throws -> String {
                try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report).accessToken)
            }
            let firstToken = try await issue()
            let firstKey = try await verifier.verify(firstToken).keyID

            let newKey = try await server.server.keys.rotate()
            #expect(newKey.id != firstKey)
            // Published at once, not signing yet.
            let jwks = try await server.get("/oauth2/jwks").json["keys"] as? [[String: Any]] ?? []
            #expect(Set(jwks.compactMap { $0["kid"] as? String }) == [firstKey, newKey.id])

            var failures = 0
            var signers = Set<String>()
            for _ in 0..<24 {
                clock.advance(by: .seconds(25))
                let token = try await issue()
                do { signers.insert(try await verifier.verify(token).keyID) } catch { failures += 1 }
            }
            #expect(failures == 0)
            #expect(signers == [firstKey, newKey.id])
            // 600 s later the new key signs and the old one is still published.
            let latest = try await verifier.verify(try await issue())
            #expect(latest.keyID == newKey.id)

            // Once every token the old key signed has expired, it leaves the JWKS.
            clock.advance(by: .seconds(400))
            let after = try await server.get("/oauth2/jwks").json["keys"] as? [[String: Any]] ?? []
            #expect(after.compactMap { $0["kid"] as? String } == [newKey.id])
            // And the server itself no longer verifies with it (introspection, exchange).
            try await server.server.keys.reload()
            #expect(server.server.keys.verificationKeyAtHand(id: firstKey) == nil)
            #expect(server.server.keys.verificationKeyAtHand(id: newKey.id) != nil)
        }
    }

    @Test func eachSupportedAlgorithmSignsAndVerifies() async throws {
        for algorithm in [SignatureAlgorithm.eddsa, .rs256, .es256] {
            try await TestServer.run(configure: { $0.keys.algorithm = algorithm }) { server in
                let token = try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report).accessToken)
                let verified = try await server.verifier(audience: "order-service").verify(token)
                #expect(verified.algorithm == algorithm)
            }
        }
    }

    @Test func aRestartOnTheSameFileLosesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("warden.sqlite").path
        let masterKey = MasterKey.generate()
        // First life: seed, log in, revoke one token.
        let (access, refresh, revokedJTI) = try await TestServer.run(path: path, masterKey: masterKey, seed: false) { server in
            try await TestServer.seedShop(server.server)
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let other = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let otherToken = try #require(other.accessToken)
            _ = try await server.post("/oauth2/revoke", [("token", otherToken), ("client_id", "shop-web")])
            let jti = try await server.verifier(audience: "order-service").verify(otherToken).tokenID
            return (try #require(login.accessToken), try #require(login.refreshToken), jti)
        }
        // Second life: same file, same key.
        try await TestServer.run(path: path, masterKey: masterKey, seed: false) { server in
            _ = try await server.verifier(audience: "order-service").verify(access)
            let refreshed = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "shop-web")])
            #expect(refreshed.status == 200)
            let feed = try await server.get("/oauth2/revocations").json["revocations"] as? [[String: Any]] ?? []
            #expect(feed.compactMap { $0["jti"] as? String } == [revokedJTI])
            #expect(try await server.store.clients().count == 4)
        }
        // A different master key refuses to start and changes nothing.
        await #expect(throws: MasterKeyError.self) {
            try await TestServer.run(path: path, masterKey: MasterKey.generate(), seed: false) { _ in }
        }
        let store = try await SQLiteStore.open(path: path)
        #expect(try await store.signingKeys().count == 1)
        try await store.close()
    }
}
