import Foundation
import Testing
import WardenCore
import WardenServer
import WardenServerHummingbird
import WardenSQLite
import WardenTesting

/// The cleanup and scheduled-rotation services, driven by a manual clock.
@Suite struct BackgroundServiceTests {
    @Test func cleanupDeletesOnlyWhatHasExpired() async throws {
        let clock = ManualTimeSource(Date())
        try await TestServer.run(timeSource: clock.timeSource) { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let refresh = try #require(login.refreshToken)
            let token = try #require(login.accessToken)
            _ = try await server.post("/oauth2/revoke", [("token", token), ("client_id", "shop-web")])
            let cleanup = CleanupService(store: server.store, auditRetention: .seconds(3600), timeSource: clock.timeSource)
            #expect(try await cleanup.runOnce() == 0)
            // A day later: the access token's record and revocation entry are gone, the refresh
            // token (30 days) is not.
            clock.advance(by: .seconds(86_400))
            #expect(try await cleanup.runOnce() > 0)
            #expect(try await server.store.revocations(after: 0, limit: 10).isEmpty)
            #expect(try await server.store.refreshToken(hash: OpaqueToken.hash(refresh)) != nil)
            #expect(try await server.store.auditEvents(limit: 10).isEmpty)
            clock.advance(by: .seconds(31 * 86_400))
            _ = try await cleanup.runOnce()
            #expect(try await server.store.refreshToken(hash: OpaqueToken.hash(refresh)) == nil)
            // The revocation cursor keeps counting up after entries are deleted.
            let other = try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("report-service", TestServer.reportSecret)).accessToken)
            _ = try await server.post("/oauth2/revoke", [("token", other)], basic: ("report-service", TestServer.reportSecret))
            #expect(try await server.store.revocations(after: 0, limit: 10).map(\.cursor) == [2])
        }
    }

    /// A pass deletes in batches (the store free for issuance between them) until nothing is
    /// left (issue 17).
    @Test func cleanupDeletesInBatchesUntilDone() async throws {
        let clock = ManualTimeSource(Date())
        try await TestServer.run(seed: false, timeSource: clock.timeSource) { server in
            for index in 0..<10 {
                try await server.store.appendAudit(AuditEvent(at: clock.timeSource.now().addingTimeInterval(Double(index)), event: "old", outcome: "success"))
            }
            clock.advance(by: .seconds(7200))
            var cleanup = CleanupService(store: server.store, auditRetention: .seconds(3600), timeSource: clock.timeSource)
            cleanup.batchSize = 3
            cleanup.batchPause = .zero
            #expect(try await cleanup.runOnce() == 10)
            #expect(try await server.store.auditEvents(limit: 20).isEmpty)
        }
    }

    @Test func scheduledRotationRotatesWhenDueAndOnlyThen() async throws {
        let clock = ManualTimeSource(Date())
        try await TestServer.run(timeSource: clock.timeSource, configure: { $0.keys.publishDelay = .seconds(60) }) { server in
            let rotation = KeyRotationService(keys: server.server.keys, every: .seconds(86_400))
            let early = try await rotation.rotateIfDue()
            #expect(!early)
            clock.advance(by: .seconds(86_400))
            let due = try await rotation.rotateIfDue()
            #expect(due)
            let again = try await rotation.rotateIfDue()
            #expect(!again)
            #expect(try await server.store.signingKeys().count == 2)
        }
    }
}
