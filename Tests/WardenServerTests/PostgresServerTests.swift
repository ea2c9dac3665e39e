import Foundation
import Testing
import WardenCore
import WardenPostgres
import WardenServer

/// The authorization server on PostgreSQL, over loopback: the grants and the revocation paths
/// the SQLite tests cover, on the other backend. Runs when `WARDEN_POSTGRES_URL` is set (CI).
@Suite(.enabled(if: StoreConformanceTests.Backend.postgresURL != nil, "needs WARDEN_POSTGRES_URL"))
struct PostgresServerTests {
    static let report = ("report-service", TestServer.reportSecret)

    func withServer(_ body: @Sendable (TestServer) async throws -> Void) async throws {
        try await PostgresTestDatabase.with(url: try #require(StoreConformanceTests.Backend.postgresURL)) { url in
            let store = try PostgresStore(url: url)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.run() }
                do {
                    try await store.migrate()
                    try await TestServer.run(store: store) { server in try await body(server) }
                } catch {
                    group.cancelAll()
                    throw error
                }
                group.cancelAll()
            }
        }
    }

    @Test func grantsRotationReuseExchangeAndRevocationWorkOnPostgres() async throws {
        try await withServer { server in
            let service = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report)
            #expect(service.status == 200)
            _ = try await server.verifier(audience: "order-service").verify(try #require(service.accessToken))

            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read payment.create")
            let first = try #require(login.refreshToken)
            let rotated = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")])
            #expect(rotated.status == 200)
            let next = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", try #require(rotated.refreshToken)), ("client_id", "shop-web")])
            #expect(next.status == 200)
            let replay = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")])
            #expect(replay.error == "invalid_grant")
            let after = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", try #require(next.refreshToken)), ("client_id", "shop-web")])
            #expect(after.error == "invalid_grant")

            let fresh = try #require(try await server.passwordToken("alice", "wonderland", scope: "payment.create").accessToken)
            let exchanged = try await server.exchange(fresh, as: ("order-service", TestServer.orderSecret), audience: "payment-service")
            #expect(exchanged.status == 200)
            #expect(try await server.post("/oauth2/revoke", [("token", fresh), ("client_id", "shop-web")]).status == 200)
            let introspection = try await server.post("/oauth2/introspect", [("token", fresh)], basic: ("order-service", TestServer.orderSecret))
            #expect(introspection.json["active"] as? Bool == false)
            let feed = try await server.get("/oauth2/revocations").json["revocations"] as? [[String: Any]] ?? []
            #expect(feed.count >= 3)  // the family's two access tokens and the revoked one
            let cursors = feed.compactMap { $0["cursor"] as? Int }
            #expect(cursors == cursors.sorted())
        }
    }
}
