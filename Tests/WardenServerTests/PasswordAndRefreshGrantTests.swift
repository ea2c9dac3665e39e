import Foundation
import Testing
import WardenCore
import WardenServer
import WardenSQLite
import WardenTesting

/// The password grant (first-party clients) and refresh-token rotation with reuse detection.
@Suite struct PasswordAndRefreshGrantTests {
    @Test func aliceGetsAnAccessAndARefreshTokenWithHerScopes() async throws {
        try await TestServer.run { server in
            let reply = try await server.passwordToken("alice", "wonderland", scope: "order.read order.write")
            #expect(reply.status == 200)
            #expect(reply.json["scope"] as? String == "order.read order.write")
            #expect(reply.refreshToken != nil)
            let verified = try await server.verifier(audience: "order-service").verify(try #require(reply.accessToken))
            #expect(verified.subject == "alice")
            #expect(verified.clientID == "shop-web")
            #expect(verified.scope == ["order.read", "order.write"])
        }
    }

    @Test func anEmptyScopeGetsClientScopesIntersectedWithTheUsers() async throws {
        try await TestServer.run { server in
            let bob = try await server.passwordToken("bob", "builder")
            #expect(bob.status == 200)
            #expect(bob.json["scope"] as? String == "order.read")
        }
    }

    @Test func bobCannotAskForMoreThanHeIsAllowed() async throws {
        try await TestServer.run { server in
            let reply = try await server.passwordToken("bob", "builder", scope: "order.read order.write")
            #expect(reply.status == 400)
            #expect(reply.error == "invalid_scope")
        }
    }

    @Test func wrongPasswordUnknownUserAndDisabledUserLookAlike() async throws {
        try await TestServer.run { server in
            let wrong = try await server.passwordToken("alice", "not-her-password")
            let unknown = try await server.passwordToken("nobody", "whatever")
            let disabled = try await server.passwordToken("mallory", "disabled!")
            for reply in [wrong, unknown, disabled] {
                #expect(reply.status == 400)
                #expect(reply.error == "invalid_grant")
                #expect(reply.json["error_description"] as? String == "Incorrect username or password.")
            }
            let audit = try await server.store.auditEvents(limit: 20)
            #expect(!audit.contains { ($0.detail ?? "").contains("not-her-password") })
        }
    }

    @Test func repeatedWrongPasswordsLockTheUserOut() async throws {
        // The server's clock stands still: the lockout (1 s in tests) must not run out between
        // the fifth guess and the right password on a loaded machine.
        try await TestServer.run(timeSource: ManualTimeSource().timeSource) { server in
            for _ in 0..<5 { _ = try await server.passwordToken("alice", "guess-guess") }
            let right = try await server.passwordToken("alice", "wonderland")
            #expect(right.status == 400)
            #expect(right.error == "invalid_grant")
            #expect(right.json["error_description"] as? String == "Incorrect username or password.")
            // Bob, from the same address, is not locked out by alice's lockout.
            #expect(try await server.passwordToken("bob", "builder").status == 200)
            let audit = try await server.store.auditEvents(limit: 5)
            #expect(audit.contains { $0.event == "user.authentication_failed" && $0.subject == "alice" && $0.detail == "locked out" })
        }
    }

    @Test func passwordsWithReservedAndNonASCIICharactersSurviveFormEncoding() async throws {
        try await TestServer.run { server in
            let password = "pä ss+wörd&=%20;"
            try await server.store.createUser(UserRecord(name: "zoë", passwordHash: try await PasswordHashing(cost: 4).hash(password), scopes: ["order.read"]))
            #expect(try await server.passwordToken("zoë", password).status == 200)
            #expect(try await server.passwordToken("zoë", "pä ss wörd&=%20;").error == "invalid_grant")
        }
    }

    @Test func missingParametersAreInvalidRequest() async throws {
        try await TestServer.run { server in
            let reply = try await server.post("/oauth2/token", [("grant_type", "password"), ("username", "alice"), ("client_id", "shop-web")])
            #expect(reply.status == 400)
            #expect(reply.error == "invalid_request")
        }
    }

    @Test func aRefreshRotatesTheTokenAndMayNarrowButNotWidenTheScope() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read order.write")
            let first = try #require(login.refreshToken)
            let narrowed = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("scope", "order.read"), ("client_id", "shop-web")])
            #expect(narrowed.status == 200)
            #expect(narrowed.json["scope"] as? String == "order.read")
            let second = try #require(narrowed.refreshToken)
            #expect(second != first)
            // The new refresh token keeps the original grant (RFC 6749 §6): full scope again.
            let full = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", second), ("client_id", "shop-web")])
            #expect(full.status == 200)
            #expect(full.json["scope"] as? String == "order.read order.write")
            let third = try #require(full.refreshToken)
            let widened = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", third), ("scope", "order.read payment.create"), ("client_id", "shop-web")])
            #expect(widened.status == 400)
            #expect(widened.error == "invalid_scope")
        }
    }

    @Test func reusingARefreshTokenRevokesTheWholeFamily() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let first = try #require(login.refreshToken)
            let firstAccess = try #require(login.accessToken)
            let rotated = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")])
            let second = try #require(rotated.refreshToken)
            let secondAccess = try #require(rotated.accessToken)
            let rotatedAgain = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", second), ("client_id", "shop-web")])
            let third = try #require(rotatedAgain.refreshToken)

            // An attacker replays the first refresh token (its successor was used: no retry).
            let replay = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")])
            #expect(replay.status == 400)
            #expect(replay.error == "invalid_grant")
            // The legitimate holder's newest token is dead too (RFC 9700 §4.14.2).
            let legit = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", third), ("client_id", "shop-web")])
            #expect(legit.error == "invalid_grant")
            // And every access token of the family is on the revocation feed.
            let verifier = server.verifier(audience: "order-service")
            let revoked = try await server.get("/oauth2/revocations?after=0").json["revocations"] as? [[String: Any]] ?? []
            let jtis = Set(revoked.compactMap { $0["jti"] as? String })
            #expect(jtis.contains(try await verifier.verify(firstAccess).tokenID))
            #expect(jtis.contains(try await verifier.verify(secondAccess).tokenID))
            let audit = try await server.store.auditEvents(limit: 10)
            #expect(audit.contains { $0.event == "token.refresh_reuse" })
        }
    }

    /// A rotation whose answer was lost (a node killed, a connection cut) can be retried with the
    /// old token while its successor was never used; the successor dies, one token stays live.
    @Test func aRotationWhoseAnswerWasLostCanBeRetriedOnce() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let first = try #require(login.refreshToken)
            let lost = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")])
            let lostRefresh = try #require(lost.refreshToken)

            // The answer never arrived; the client retries with the token it has.
            let retry = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")])
            #expect(retry.status == 200)
            let retried = try #require(retry.refreshToken)
            #expect(retried != lostRefresh)
            let audit = try await server.store.auditEvents(limit: 5)
            #expect(audit.contains { $0.event == "token.refresh_retried" })

            // The retried token works on; the lost one is gone (presenting it is reuse).
            let next = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", retried), ("client_id", "shop-web")])
            #expect(next.status == 200)
            let newest = try #require(next.refreshToken)
            // Now the successor of the retry was used: presenting the first again is reuse and
            // ends the family, the newest token included.
            #expect(try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")]).error == "invalid_grant")
            #expect(try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", newest), ("client_id", "shop-web")]).error == "invalid_grant")
        }
    }

    @Test func theLostAnswerAllowanceEndsWithItsWindowOrWhenTurnedOff() async throws {
        let clock = ManualTimeSource()
        try await TestServer.run(timeSource: clock.timeSource) { server in
            let first = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.read").refreshToken)
            #expect(try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")]).status == 200)
            clock.advance(by: .seconds(31))
            #expect(try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")]).error == "invalid_grant")
        }
        try await TestServer.run(configure: { $0.refreshTokenRetryWindow = .zero }) { server in
            let first = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.read").refreshToken)
            let second = try #require(try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")]).refreshToken)
            #expect(try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")]).error == "invalid_grant")
            #expect(try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", second), ("client_id", "shop-web")]).error == "invalid_grant")
        }
    }

    /// Issue 11, item 8: rotation does not extend a sign-in; the family ends when its first
    /// token would have.
    @Test func refreshingNeverOutlivesTheSignIn() async throws {
        let clock = ManualTimeSource()
        try await TestServer.run(timeSource: clock.timeSource, configure: { $0.refreshTokenLifetime = .seconds(100) }) { server in
            let first = try #require(try await server.passwordToken("alice", "wonderland", scope: "order.read").refreshToken)
            clock.advance(by: .seconds(60))
            let second = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", first), ("client_id", "shop-web")])
            #expect(second.status == 200)
            let next = try #require(second.refreshToken)
            clock.advance(by: .seconds(60))
            let late = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", next), ("client_id", "shop-web")])
            #expect(late.error == "invalid_grant")
        }
    }

    @Test func anotherClientCannotUseOrBurnSomeoneElsesRefreshToken() async throws {
        try await TestServer.run { server in
            try await server.store.createClient(ClientRecord(id: "other-app", secretHash: nil, grants: [.password, .refreshToken], scopes: ["order.read"], audiences: ["order-service"]))
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.read")
            let refresh = try #require(login.refreshToken)
            let stolen = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "other-app")])
            #expect(stolen.error == "invalid_grant")
            let owner = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "shop-web")])
            #expect(owner.status == 200)
        }
    }

    @Test func garbageRefreshTokensAreInvalidGrant() async throws {
        try await TestServer.run { server in
            for token in ["x", String(repeating: "A", count: 4000), "eyJhbGciOiJub25lIn0.e30."] {
                let reply = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", "shop-web")])
                #expect(reply.status == 400)
                #expect(reply.error == "invalid_grant")
            }
        }
    }

    @Test func aDisabledUsersRefreshTokenStopsWorking() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("bob", "builder")
            let refresh = try #require(login.refreshToken)
            let bob = try #require(try await server.store.user(named: "bob"))
            _ = try await server.store.deleteUser(named: "bob")
            var disabled = bob
            disabled.disabled = true
            try await server.store.createUser(disabled)
            let reply = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "shop-web")])
            #expect(reply.error == "invalid_grant")
        }
    }
}
