import Foundation
import Testing
import WardenClient
import WardenCore
import WardenServer

/// Three `warden serve` processes on one PostgreSQL server (a server of the suite's own per
/// test, so restarting it disturbs nobody), talked to over loopback like any client would.
/// Runs wherever PostgreSQL tests run (`WARDEN_POSTGRES_URL` set: always in CI).
@Suite(.serialized, .enabled(if: StoreConformanceTests.Backend.postgresURL != nil, "needs PostgreSQL (WARDEN_POSTGRES_URL)"))
struct ClusterTests {
    @Test func threeServeProcessesShareTokensRevocationsAndKeys() async throws {
        try await Cluster.run { cluster in
            let nodes = cluster.nodes
            // Started at the same moment, the nodes agree on one signing key.
            let kids = try await nodes.asyncMap { node in
                Set((try await node.get("/oauth2/jwks").json["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String })
            }
            #expect(kids[0].count == 1 && kids[0] == kids[1] && kids[1] == kids[2], "\(kids)")

            // A token issued on node 1 introspects on node 2.
            let login = try await nodes[0].passwordToken("alice", "wonderland", scope: "order.read", client: "shop-web")
            let token = try #require(login.accessToken, "\(login)")
            let introspected = try await nodes[1].post("/oauth2/introspect", [("token", token)], basic: cluster.orderService)
            #expect(introspected.json["active"] as? Bool == true)
            #expect(introspected.json["iss"] as? String == Cluster.issuer)

            try await ResourceServer.with(subscribedTo: nodes[1], issuer: Cluster.issuer, audience: "order-service") { verifier in
                // A revocation on node 3 makes a resource server subscribed to node 2 refuse the token.
                _ = try await verifier.verify(token)
                #expect(try await nodes[2].post("/oauth2/revoke", [("token", token), ("client_id", "shop-web")]).status == 200)
                #expect(try await eventually { await ResourceServer.refusesAsRevoked(verifier, token) })

                // A key rotated on node 1's database (the CLI, as an operator would) signs on node 2
                // right after its publish delay, and the resource server verifies those tokens.
                let rotated = try await cluster.cli(["keys", "rotate", "--publish-delay", "2", "--json"])
                let newKey = try #require((try? JSONSerialization.jsonObject(with: Data(rotated.utf8)) as? [String: Any])?["kid"] as? String, "\(rotated)")
                let signedWithNewKey = try await eventually(within: 10) {
                    let issued = try await nodes[1].post("/oauth2/token", [("grant_type", "client_credentials")], basic: cluster.orderService)
                    guard let access = issued.accessToken else { return false }
                    return try await verifier.verify(access).keyID == newKey
                }
                #expect(signedWithNewKey)
                // Every node publishes both keys.
                for node in nodes {
                    let published = Set((try await node.get("/oauth2/jwks").json["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String })
                    #expect(published.contains(newKey) && published.count == 2)
                }
            }
        }
    }

    /// Issue 14 across nodes: a user or client narrowed with the CLI loses its tokens on every
    /// node (introspection on the other node says inactive); failed sign-ins spread over two
    /// nodes add up to one alert.
    @Test func permissionChangesAndAlertsHoldAcrossNodes() async throws {
        try await Cluster.run(nodes: 2) { cluster in
            let nodes = cluster.nodes
            func active(_ token: String, at node: WardenProcess) async throws -> Bool {
                try await node.post("/oauth2/introspect", [("token", token)], basic: cluster.orderService).json["active"] as? Bool == true
            }
            let alices = try #require(try await nodes[0].passwordToken("alice", "wonderland", scope: "order.read", client: "shop-web").accessToken)
            let machine = try #require(try await nodes[0].post("/oauth2/token", [("grant_type", "client_credentials")], basic: cluster.orderService).accessToken)
            #expect(try await active(alices, at: nodes[1]))
            #expect(try await active(machine, at: nodes[1]))
            // alice loses her scope: her token is gone on node 2 too.
            try await cluster.cli(["user", "update", "alice", "--no-scopes"])
            #expect(try await eventually(within: 10) { try await !active(alices, at: nodes[1]) })
            // order-service loses its scope: its client-credentials token too (a client entry).
            try await cluster.cli(["client", "update", "order-service", "--no-scopes"])
            #expect(try await eventually(within: 10) { try await !active(machine, at: nodes[1]) })
            // Ten failed sign-ins from one address, half on each node: one alert for the address.
            for attempt in 0..<10 {
                _ = try await nodes[attempt % 2].passwordToken("nobody-\(attempt % 3)", "wrong", scope: "order.read", client: "shop-web")
            }
            let listed = try await cluster.cli(["alerts", "--json"])
            let alerts = (try? JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]]) ?? []
            let guessing = alerts.filter { $0["kind"] as? String == "credential_guessing" }
            #expect(guessing.count == 1, "\(listed)")
            #expect((guessing.first?["summary"] as? String)?.hasPrefix("10 failed authentications from ") == true, "\(listed)")
        }
    }

    @Test func aNodeWithAnotherMasterKeyRefusesToStartAndTouchesNothing() async throws {
        try await Cluster.run(nodes: 1) { cluster in
            let before = try await cluster.nodes[0].get("/oauth2/jwks").body
            let other = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            let stranger = try await WardenProcess.start(database: cluster.postgres.url, issuer: Cluster.issuer, masterKey: other, waitForHealth: false)
            let status = try await stranger.waitForExit(within: 30)
            #expect(status != nil && status != 0)
            #expect(stranger.log.contains("different master key"), "\(stranger.log.suffix(500))")
            #expect(try await cluster.nodes[0].get("/oauth2/jwks").body == before)
        }
    }

    /// `--refresh-retry-window 0` turns the lost-answer allowance off: presenting a rotated token
    /// again is reuse at once; a window out of range is refused at start.
    @Test func theRefreshRetryWindowIsASetting() async throws {
        try await Cluster.run(nodes: 1) { cluster in
            let strict = try await WardenProcess.start(database: cluster.postgres.url, issuer: Cluster.issuer, masterKey: cluster.masterKey, arguments: ["--refresh-retry-window", "0"])
            let first = try #require(try await strict.passwordToken("alice", "wonderland", scope: "order.read").refreshToken)
            #expect(try await strict.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")]).status == 200)
            #expect(try await strict.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")]).error == "invalid_grant")
            await strict.stop()

            let refused = try await WardenProcess.start(database: cluster.postgres.url, issuer: Cluster.issuer, masterKey: cluster.masterKey, arguments: ["--refresh-retry-window", "301"], waitForHealth: false)
            let status = try await refused.waitForExit(within: 30)
            #expect(status != nil && status != 0)
            #expect(refused.log.contains("refresh retry window"), "\(refused.log.suffix(500))")
        }
    }
}
