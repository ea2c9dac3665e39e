import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ShopDemo
import ShopServices
import Testing
import WardenClient
import WardenCore
import WardenServer
import WardenServerHummingbird
import WardenSQLite

/// The shop end to end over loopback: the demo's cases and what the issue asks beyond them.
@Suite struct ShopTests {
    func token(_ reply: ShopClient.Reply) throws -> String {
        try #require(reply.json["access_token"] as? String)
    }

    func eventually(within seconds: Double = 3, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    /// Issue 11: only the current actor (the outermost `act`, RFC 8693 §4.1) is the caller; an
    /// allowed service deeper in the chain does not make another service's call allowed.
    @Test func thePaymentServiceJudgesTheCurrentActorOnly() async throws {
        try await ShopCluster.run { cluster in
            let client = ShopClient(cluster: cluster)
            let signer = try await cluster.server.keys.currentSigner()
            let key = await DPoPProofSigner.generateES256()
            func token(actor: ActorClaim, clientID: String = "order-service") throws -> String {
                let now = Date()
                return try signer.sign(AccessTokenClaims(
                    issuer: cluster.issuer, subject: "alice", audience: ["payment-service"], expiresAt: now.addingTimeInterval(60),
                    issuedAt: now, tokenID: UUID().uuidString, clientID: clientID, scope: ["payment.create"], actor: actor,
                    keyThumbprint: key.thumbprint
                ))
            }
            // (Requests signed with the order service's key, as ShopClient.pay does.)
            let laundered = try token(actor: ActorClaim(subject: "evil-service", previous: ActorClaim(subject: "order-service")))
            #expect(try await client.pay(token: laundered, key: key).status == 403)
            let direct = try token(actor: ActorClaim(subject: "order-service", previous: ActorClaim(subject: "gateway")))
            #expect(try await client.pay(token: direct, key: key).status == 201)
            // Another client's token with the order service's signature: the signer must be the token's client.
            let othersToken = try token(actor: ActorClaim(subject: "order-service"), clientID: "evil-service")
            let refused = try await client.pay(token: othersToken, key: key)
            #expect(refused.status == 401 && refused.wwwAuthenticate?.contains("invalid_signature") == true)
        }
    }

    @Test func everyDemoCaseComesOutAsExpected() async throws {
        // Bound to a name first (see ShopDemoCommand: a Swift 6.3.1 task-allocator abort otherwise).
        let outcomes = try await ShopCluster.run { cluster in
            let scenario = ShopScenario(cluster: cluster, output: { _ in })
            return try await scenario.run()
        }
        #expect(outcomes.count >= 10)
        for outcome in outcomes { #expect(outcome.passed, "\(outcome.name)") }
    }

    @Test func thePaymentServiceNeverSeesAlicesOwnTokenAndTheExchangeIsCached() async throws {
        try await ShopCluster.run { cluster in
            let client = ShopClient(cluster: cluster)
            let alice = try token(try await client.login("alice", "wonderland", scope: "order.write payment.create"))
            let aliceID = try await AccessTokenVerifier(configuration: .acceptingAnyAudience(issuer: cluster.issuer), keys: cluster.server.keys).verify(alice).tokenID
            #expect(try await client.placeOrder(token: alice).status == 201)
            #expect(try await client.placeOrder(token: alice, item: "Jabberwocky", amount: 999).status == 201)
            let payments = cluster.ledger.all
            #expect(payments.count == 2)
            for payment in payments {
                #expect(payment.tokenID != aliceID)
                #expect(payment.audience == ["payment-service"])
                #expect(payment.scope == "payment.create")
                #expect(payment.actors == ["order-service"])
            }
            // One exchange served both orders.
            #expect(payments[0].tokenID == payments[1].tokenID)
            #expect(cluster.orderClient.cachedTokenCount == 1)
            let exchanges = try await cluster.server.store.auditEvents(limit: 50).filter { $0.event == "token.exchanged" }
            #expect(exchanges.count == 1)
        }
    }

    @Test func badOrdersAre400AndNeverReachThePaymentService() async throws {
        try await ShopCluster.run { cluster in
            let client = ShopClient(cluster: cluster)
            let alice = try token(try await client.login("alice", "wonderland", scope: "order.write payment.create"))
            for body in [#"{"item": "x", "amount": 0}"#, #"{"item": "x", "amount": -1}"#, #"{"item": "x", "amount": 1.5}"#, #"{"item": "x", "amount": "10"}"#,
                         #"{"amount": 10}"#, #"{"item": "", "amount": 10}"#, "not json", "", #"{"item": "x", "amount": 99999999999999999999}"#] {
                let reply = try await client.placeOrder(token: alice, rawBody: body)
                #expect(reply.status == 400, "\(body)")
            }
            #expect(cluster.ledger.all.isEmpty)
        }
    }

    @Test func withoutPaymentCreateAliceCannotPay() async throws {
        try await ShopCluster.run { cluster in
            let client = ShopClient(cluster: cluster)
            let alice = try token(try await client.login("alice", "wonderland", scope: "order.write"))
            let reply = try await client.placeOrder(token: alice)
            #expect(reply.status == 403)
            #expect(reply.error == "insufficient_scope")
            #expect(cluster.ledger.all.isEmpty)
        }
    }

    @Test func withTheAuthorizationServerDownIssuedTokensStillWorkButNewExchangesAre503() async throws {
        try await ShopCluster.run { cluster in
            let client = ShopClient(cluster: cluster)
            let first = try token(try await client.login("alice", "wonderland", scope: "order.write order.read payment.create"))
            let second = try token(try await client.login("alice", "wonderland", scope: "order.write order.read payment.create"))
            let placed = try await client.placeOrder(token: first)
            let id = try #require(placed.json["id"] as? String)

            await cluster.stopAuthorizationServer()
            // Verification needs no authorization server: cached keys.
            #expect(try await client.order(id, token: first).status == 200)
            // The cached exchange still pays.
            #expect(try await client.placeOrder(token: first).status == 201)
            // A new exchange cannot be had: a clear 503, not a hang or a 500.
            let started = Date()
            let refused = try await client.placeOrder(token: second)
            #expect(refused.status == 503)
            #expect(refused.error == "temporarily_unavailable")
            #expect(Date().timeIntervalSince(started) < 15)
        }
    }

    @Test func revocationsReachBothServices() async throws {
        try await ShopCluster.run { cluster in
            let client = ShopClient(cluster: cluster)
            let alice = try token(try await client.login("alice", "wonderland", scope: "order.write order.read payment.create"))
            let placed = try await client.placeOrder(token: alice)
            let id = try #require(placed.json["id"] as? String)
            // A payment-service token (as the order service got it) works until revoked…
            let key = await DPoPProofSigner.generateES256()
            let paymentToken = try token(try await client.exchangeAsOrderService(alice, key: key))
            #expect(try await client.pay(token: paymentToken, key: key).status == 201)
            // …the order service revokes it (its own token, RFC 7009), and the payment service refuses it.
            let credentials = Data("order-service:\(cluster.orderSecret)".utf8).base64EncodedString()
            var revoke = HTTPClientRequest(url: cluster.issuer + "/oauth2/revoke")
            revoke.method = .POST
            revoke.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            revoke.headers.add(name: "Authorization", value: "Basic \(credentials)")
            revoke.body = .bytes(ByteBuffer(string: "token=\(paymentToken)"))
            #expect(try await HTTPClient.shared.execute(revoke, timeout: .seconds(10)).status == .ok)
            #expect(try await eventually { try await client.pay(token: paymentToken, key: key).status == 401 })
            // And alice's own token, revoked, is refused by the order service.
            #expect(try await client.revoke(alice).status == 200)
            #expect(try await eventually { try await client.order(id, token: alice).status == 401 })
            // Each presented twice more (three in all: more than an app's own retry).
            for _ in 0..<2 {
                #expect(try await client.pay(token: paymentToken, key: key).status == 401)
                #expect(try await client.order(id, token: alice).status == 401)
            }
            // The services told the authorization server: revoked tokens were presented (issue 14).
            let told = try await eventually(within: 15) {
                let alerts = try await cluster.server.store.alerts(limit: 20).filter { $0.kind == "revoked_token_use" }
                return Set(alerts.compactMap(\.service)).isSuperset(of: ["order-service", "payment-service"])
            }
            #expect(told)
        }
    }

    /// Issue 12: shop-web's tokens bound to the app's key when it sends a proof; the order
    /// service takes them as DPoP only, binds its own exchanged token to its key; the payment
    /// service takes bound tokens with their proof only.
    @Test func boundTokensGoThroughTheShopAndCopiesAreWorthNothing() async throws {
        try await ShopCluster.run { cluster in
            let client = ShopClient(cluster: cluster)
            let key = await DPoPProofSigner.generateES256()
            let login = try await client.login("alice", "wonderland", scope: "order.write order.read payment.create", key: key)
            #expect(login.json["token_type"] as? String == "DPoP")
            let alice = try token(login)
            let claims = try await AccessTokenVerifier(configuration: .acceptingAnyAudience(issuer: cluster.issuer), keys: cluster.server.keys).verify(alice)
            #expect(claims.keyThumbprint == key.thumbprint)

            let placed = try await client.placeOrder(token: alice, key: key)
            #expect(placed.status == 201)
            let payment = try #require(cluster.ledger.all.last)
            #expect(payment.keyThumbprint == cluster.orderKeyThumbprint)
            #expect(payment.subject == "alice")

            // A bound token sent as Bearer: 401 with both challenges (RFC 9449 §7.1, §7.2).
            let asBearer = try await client.placeOrder(token: alice)
            #expect(asBearer.status == 401)
            #expect(asBearer.wwwAuthenticate?.contains("DPoP") == true)
            // Another key's proof, or none: 401, and no payment.
            let other = await DPoPProofSigner.generateES256()
            #expect(try await client.placeOrder(token: alice, key: other).status == 401)
            #expect(try await client.send(cluster.orderURL + "/orders", method: .POST, headers: [("Authorization", "DPoP \(alice)"), ("Content-Type", "application/json")],
                                          body: #"{"item": "x", "amount": 1}"#).status == 401)
            #expect(cluster.ledger.all.count == 1)

            // The payment service: an unbound token is refused with the DPoP challenge alone.
            let unbound = try token(try await client.exchangeAsOrderService(try token(try await client.login("alice", "wonderland", scope: "payment.create"))))
            let refused = try await client.pay(token: unbound)
            #expect(refused.status == 401)
            #expect(refused.wwwAuthenticate?.hasPrefix("DPoP ") == true)
            #expect(refused.wwwAuthenticate?.contains("Bearer") == false)
            #expect(cluster.ledger.all.count == 1)
        }
    }
}
