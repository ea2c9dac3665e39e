import Foundation
import Testing
import WardenCore
@testable import WardenServer
import WardenServerHummingbird
import WardenSQLite
import WardenTesting

/// RFC 7662 introspection, RFC 7009 revocation and the revocation feed.
@Suite struct IntrospectionAndRevocationTests {
    static let order = ("order-service", TestServer.orderSecret)
    static let report = ("report-service", TestServer.reportSecret)

    @Test func theAudienceSeesAnActiveTokenWithItsClaims() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let token = try #require(login.accessToken)
            let reply = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.order)
            #expect(reply.status == 200)
            #expect(reply.header("Cache-Control") == "no-store")
            let json = reply.json
            #expect(json["active"] as? Bool == true)
            #expect(json["sub"] as? String == "alice")
            #expect(json["client_id"] as? String == "shop-web")
            #expect(json["scope"] as? String == "order.read")
            #expect(json["aud"] as? String == "order-service")
            #expect(json["token_type"] as? String == "Bearer")
            #expect(json["jti"] is String)
        }
    }

    /// Issue 11, item 8: the server allows no clock skew on its own tokens; a token is inactive
    /// from its `exp` on (it was active for a minute more).
    @Test func aTokenIsInactiveFromItsExpiryOn() async throws {
        let clock = ManualTimeSource()
        try await TestServer.run(timeSource: clock.timeSource) { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let token = try #require(login.accessToken)
            clock.advance(by: .seconds(299))
            let before = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.order)
            #expect(before.json["active"] as? Bool == true)
            clock.advance(by: .seconds(2))
            let after = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.order)
            #expect(after.json["active"] as? Bool == false)
        }
    }

    @Test func anExchangedTokenIntrospectsWithItsActor() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "payment.create")
            let exchanged = try await server.exchange(try #require(login.accessToken), as: Self.order, audience: "payment-service")
            let reply = try await server.post("/oauth2/introspect", [("token", try #require(exchanged.accessToken))], basic: ("payment-service", TestServer.paymentSecret))
            #expect(reply.json["active"] as? Bool == true)
            #expect(reply.json["aud"] as? String == "payment-service")
            #expect((reply.json["act"] as? [String: Any])?["sub"] as? String == "order-service")
            #expect(reply.json["exp"] as? Int != nil)
        }
    }

    @Test func anythingNotMeantForTheCallerOrDeadIsInactive() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let token = try #require(login.accessToken)
            // report-service is neither the audience nor the client.
            let foreign = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.report)
            #expect(foreign.json.count == 1)
            #expect(foreign.json["active"] as? Bool == false)
            for garbage in ["", "abc", String(repeating: "x", count: 9000), token + "x"] {
                let reply = try await server.post("/oauth2/introspect", [("token", garbage)], basic: Self.order)
                #expect(reply.status == 200)
                #expect(reply.json["active"] as? Bool == false)
            }
        }
    }

    @Test func introspectionNeedsAConfidentialClient() async throws {
        try await TestServer.run { server in
            let unauthenticated = try await server.post("/oauth2/introspect", [("token", "abc")])
            #expect(unauthenticated.status == 401)
            #expect(unauthenticated.error == "invalid_client")
            let publicClient = try await server.post("/oauth2/introspect", [("token", "abc"), ("client_id", "shop-web")])
            #expect(publicClient.status == 401)
            let missing = try await server.post("/oauth2/introspect", [], basic: Self.order)
            #expect(missing.status == 400)
            #expect(missing.error == "invalid_request")
        }
    }

    /// Introspection works the caller's address out only when a lockout or a failure needs it
    /// (issue 16): wrong secrets are still counted under it, and 50 lock it out — the right
    /// secret included — as at the token endpoint.
    @Test func wrongSecretsAtIntrospectionLockTheAddressOut() async throws {
        let clock = ManualTimeSource()
        try await TestServer.run(timeSource: clock.timeSource) { server in
            #expect(try await server.post("/oauth2/introspect", [("token", "abc")], basic: Self.order).status == 200)
            for _ in 0..<50 {
                let wrong = try await server.post("/oauth2/introspect", [("token", "abc")], basic: ("order-service", "wrong-secret-0123456789"))
                #expect(wrong.status == 401 && wrong.error == "invalid_client")
            }
            let now = clock.timeSource.now()
            #expect(try await server.store.authenticationLockouts(at: now, limit: 10).keys.sorted() == ["ip:127.0.0.1"])
            let right = try await server.post("/oauth2/introspect", [("token", "abc")], basic: Self.order)
            #expect(right.status == 401 && right.error == "invalid_client")
        }
    }

    @Test func aClientIntrospectsItsOwnRefreshTokenUntilItIsUsed() async throws {
        try await TestServer.run { server in
            try await server.store.createClient(ClientRecord(id: "confidential-web", secretHash: server.server.secretHasher.hash("confidential-web-secret-0123"), grants: [.password, .refreshToken], scopes: ["order.read"], audiences: ["order-service"]))
            let login = try await server.post("/oauth2/token", [("grant_type", "password"), ("username", "bob"), ("password", "builder")], basic: ("confidential-web", "confidential-web-secret-0123"))
            let refresh = try #require(login.refreshToken)
            let active = try await server.post("/oauth2/introspect", [("token", refresh), ("token_type_hint", "refresh_token")], basic: ("confidential-web", "confidential-web-secret-0123"))
            #expect(active.json["active"] as? Bool == true)
            #expect(active.json["token_type"] as? String == "refresh_token")
            _ = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", refresh)], basic: ("confidential-web", "confidential-web-secret-0123"))
            let used = try await server.post("/oauth2/introspect", [("token", refresh)], basic: ("confidential-web", "confidential-web-secret-0123"))
            #expect(used.json["active"] as? Bool == false)
        }
    }

    @Test func revokingAnAccessTokenPutsItOnTheFeedAndDeactivatesIt() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let token = try #require(login.accessToken)
            let jti = try await server.verifier(audience: "order-service").verify(token).tokenID
            let revoke = try await server.post("/oauth2/revoke", [("token", token), ("token_type_hint", "access_token"), ("client_id", "shop-web")])
            #expect(revoke.status == 200)
            #expect(revoke.body.isEmpty)
            let introspection = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.order)
            #expect(introspection.json["active"] as? Bool == false)
            let feed = try await server.get("/oauth2/revocations")
            #expect(feed.status == 200)
            let entries = try #require(feed.json["revocations"] as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(entries.first?["jti"] as? String == jti)
            #expect(entries.first?["cursor"] as? Int == 1)
            #expect((entries.first?["exp"] as? Int ?? 0) > Int(Date().timeIntervalSince1970))
            #expect(feed.json["next"] as? Int == 1)
            // Revoking again changes nothing.
            _ = try await server.post("/oauth2/revoke", [("token", token), ("client_id", "shop-web")])
            let again = try await server.get("/oauth2/revocations?after=1")
            #expect((again.json["revocations"] as? [Any])?.isEmpty == true)
            #expect(again.json["next"] as? Int == 1)
        }
    }

    /// Issue 16: an active token's answer is built once and kept; every check runs before it
    /// is handed out again — the audience, then revocation.
    @Test func aKeptAnswerGoesOnlyToItsAudienceAndNotPastARevocation() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let token = try #require(login.accessToken)
            for _ in 0..<3 {
                let reply = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.order)
                #expect(reply.json["active"] as? Bool == true)
                #expect(reply.json["sub"] as? String == "alice")
            }
            // Kept: the three answers were one.
            #expect(server.server.introspection.answers.count == 1)
            let foreign = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.report)
            #expect(foreign.json.count == 1)
            #expect(foreign.json["active"] as? Bool == false)
            // Another token of the same user: its own answer (its own jti).
            let second = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.read").accessToken)
            let secondReply = try await server.post("/oauth2/introspect", [("token", second)], basic: Self.order)
            #expect(secondReply.json["active"] as? Bool == true)
            #expect(secondReply.json["jti"] as? String != nil)
            let firstReply = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.order)
            #expect(secondReply.json["jti"] as? String != firstReply.json["jti"] as? String)
            let revoke = try await server.post("/oauth2/revoke", [("token", token), ("client_id", "shop-web")])
            #expect(revoke.status == 200)
            let after = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.order)
            #expect(after.json.count == 1)
            #expect(after.json["active"] as? Bool == false)
            // The other token is untouched.
            let untouched = try await server.post("/oauth2/introspect", [("token", second)], basic: Self.order)
            #expect(untouched.json["active"] as? Bool == true)
        }
    }

    @Test func aClientCannotRevokeAnotherClientsToken() async throws {
        try await TestServer.run { server in
            let issued = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report)
            let token = try #require(issued.accessToken)
            let revoke = try await server.post("/oauth2/revoke", [("token", token)], basic: Self.order)
            #expect(revoke.status == 200)  // RFC 7009 §2.2: no hint either way
            let introspection = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.report)
            #expect(introspection.json["active"] as? Bool == true)
            let unknownHint = try await server.post("/oauth2/revoke", [("token", token), ("token_type_hint", "id_token")], basic: Self.report)
            #expect(unknownHint.status == 400)
            #expect(unknownHint.error == "unsupported_token_type")
        }
    }

    @Test func theFeedPagesInOrderAndRefusesBadCursors() async throws {
        try await TestServer.run { server in
            var jtis: [String] = []
            for _ in 0..<5 {
                let issued = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report)
                let token = try #require(issued.accessToken)
                jtis.append(try await server.verifier(audience: "order-service").verify(token).tokenID)
                _ = try await server.post("/oauth2/revoke", [("token", token)], basic: Self.report)
            }
            var seen: [String] = []
            var cursor = 0
            while true {
                let page = try await server.get("/oauth2/revocations?after=\(cursor)&limit=2")
                let entries = page.json["revocations"] as? [[String: Any]] ?? []
                if entries.isEmpty { break }
                #expect(entries.count <= 2)
                seen += entries.compactMap { $0["jti"] as? String }
                cursor = page.json["next"] as? Int ?? -1
            }
            #expect(seen == jtis)
            for bad in ["after=-1", "after=abc", "limit=0", "limit=x", "after=99999999999999999999999"] {
                let reply = try await server.get("/oauth2/revocations?\(bad)")
                #expect(reply.status == 400)
                #expect(reply.error == "invalid_request")
            }
        }
    }
}
