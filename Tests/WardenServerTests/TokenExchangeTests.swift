import Foundation
import Testing
import WardenCore
import WardenServer
import WardenSQLite

/// RFC 8693 token exchange: order-service turns alice's token into one for payment-service.
@Suite struct TokenExchangeTests {
    static let order = ("order-service", TestServer.orderSecret)
    static let payment = ("payment-service", TestServer.paymentSecret)

    @Test func theExchangedTokenIsNarrowedRetargetedAndNamesTheActor() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.write payment.create")
            let aliceToken = try #require(login.accessToken)
            let reply = try await server.exchange(aliceToken, as: Self.order, audience: "payment-service", scope: "payment.create")
            #expect(reply.status == 200)
            #expect(reply.json["issued_token_type"] as? String == "urn:ietf:params:oauth:token-type:access_token")
            #expect(reply.refreshToken == nil)
            let exchanged = try await server.verifier(audience: "payment-service").verify(try #require(reply.accessToken))
            let original = try await server.verifier(audience: "order-service").verify(aliceToken)
            #expect(exchanged.subject == "alice")
            #expect(exchanged.clientID == "order-service")
            #expect(exchanged.scope == ["payment.create"])
            #expect(exchanged.actor?.chain == ["order-service"])
            #expect(exchanged.claims.expiresAt <= original.claims.expiresAt)
            // Not usable back at the order service.
            await #expect(throws: TokenVerificationError.self) {
                try await server.verifier(audience: "order-service").verify(reply.accessToken!)
            }
        }
    }

    @Test func defaultsToTheDelegableScopesAndTheClientsDefaultAudience() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.write payment.create")
            let reply = try await server.exchange(try #require(login.accessToken), as: Self.order)
            #expect(reply.status == 200)
            #expect(reply.json["scope"] as? String == "payment.create")
        }
    }

    @Test func exchangingAgainNestsTheActors() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "payment.create ledger.write")
            let toPayment = try await server.exchange(try #require(login.accessToken), as: Self.order, audience: "payment-service", scope: "payment.create ledger.write")
            #expect(toPayment.status == 200)
            let toLedger = try await server.exchange(try #require(toPayment.accessToken), as: Self.payment, audience: "ledger-service", scope: "ledger.write")
            #expect(toLedger.status == 200)
            let verified = try await server.verifier(audience: "ledger-service").verify(try #require(toLedger.accessToken))
            #expect(verified.actor?.chain == ["payment-service", "order-service"])
            #expect(verified.scope == ["ledger.write"])
        }
    }

    @Test func refusals() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "order.write payment.create")
            let aliceToken = try #require(login.accessToken)
            // More scope than the subject token has, or than the client may delegate.
            #expect(try await server.exchange(aliceToken, as: Self.order, audience: "payment-service", scope: "ledger.write").error == "invalid_scope")
            #expect(try await server.exchange(aliceToken, as: Self.order, audience: "payment-service", scope: "order.write").error == "invalid_scope")
            // An audience the client may not target.
            #expect(try await server.exchange(aliceToken, as: Self.order, audience: "ledger-service").error == "invalid_target")
            // A token that was not meant for the exchanging client.
            #expect(try await server.exchange(aliceToken, as: Self.payment, audience: "ledger-service").error == "invalid_grant")
            // Garbage, forged and foreign tokens.
            #expect(try await server.exchange("not-a-token", as: Self.order).error == "invalid_grant")
            let parts = aliceToken.split(separator: ".")
            let forged = "\(parts[0]).\(parts[1]).\(String(parts[2].reversed()))"
            #expect(try await server.exchange(forged, as: Self.order).error == "invalid_grant")
            // A public client cannot exchange, and a client without the grant is unauthorized.
            let publicClient = try await server.post("/oauth2/token", [
                ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("subject_token", aliceToken),
                ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"), ("client_id", "shop-web"),
            ])
            #expect(publicClient.error == "invalid_client")
            #expect(try await server.exchange(aliceToken, as: ("report-service", TestServer.reportSecret)).error == "unauthorized_client")
            // Wrong token types.
            let wrongType = try await server.post("/oauth2/token", [
                ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("subject_token", aliceToken),
                ("subject_token_type", "urn:ietf:params:oauth:token-type:refresh_token"),
            ], basic: Self.order)
            #expect(wrongType.error == "invalid_request")
        }
    }

    @Test func aRevokedSubjectTokenCannotBeExchanged() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "payment.create")
            let aliceToken = try #require(login.accessToken)
            let revoke = try await server.post("/oauth2/revoke", [("token", aliceToken), ("client_id", "shop-web")])
            #expect(revoke.status == 200)
            #expect(try await server.exchange(aliceToken, as: Self.order).error == "invalid_grant")
        }
    }

    @Test func revokingTheUsersFamilyReachesExchangedTokens() async throws {
        try await TestServer.run { server in
            let login = try await server.passwordToken("alice", "wonderland", scope: "payment.create")
            let refresh = try #require(login.refreshToken)
            let exchanged = try await server.exchange(try #require(login.accessToken), as: Self.order)
            let exchangedID = try await server.verifier(audience: "payment-service").verify(try #require(exchanged.accessToken)).tokenID
            // Revoking alice's refresh token revokes its family, exchanged tokens included.
            #expect(try await server.post("/oauth2/revoke", [("token", refresh), ("client_id", "shop-web")]).status == 200)
            #expect(try await server.store.isRevoked(tokenID: exchangedID))
        }
    }
}
