import Foundation
import NIOHTTP1
import ShopServices
import WardenCore
import WardenServer
import WardenServerHummingbird

/// The demo's scenario: every case of issue 4, the stolen-token cases of issue 12 (DPoP) and
/// the tampered request of issue 13 (signatures), each hop printed, each outcome checked.
public struct ShopScenario: Sendable {
    public let client: ShopClient
    let output: @Sendable (String) -> Void

    public init(cluster: ShopCluster, output: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.client = ShopClient(cluster: cluster)
        self.output = output
    }

    public struct Outcome: Sendable {
        public let name: String
        public let passed: Bool
    }

    private func say(_ text: String) { output(text) }

    private func hop(_ from: String, _ to: String, _ what: String, _ result: String) {
        say("    \(from) → \(to): \(what) → \(result)")
    }

    private func check(_ name: String, _ condition: Bool, _ outcomes: inout [Outcome]) {
        outcomes.append(Outcome(name: name, passed: condition))
        say("    \(condition ? "✓" : "✗ UNEXPECTED:") \(name)")
    }

    private func describe(_ token: String) -> String {
        // The claims are public (a JWT's payload); the token itself is never printed.
        let parts = token.split(separator: ".")
        guard parts.count == 3, let bytes = Base64URL.decodeCanonical(parts[1].utf8),
            let claims = (try? StrictJSONParser().parse(bytes))?.objectValue
        else { return "(unreadable token)" }
        var text = "aud=\(claims["aud"]?.stringValue ?? "?") scope=\"\(claims["scope"]?.stringValue ?? "")\" sub=\(claims["sub"]?.stringValue ?? "?")"
        if let act = claims["act"]?.objectValue?["sub"]?.stringValue { text += " act=\(act)" }
        if let jkt = claims["cnf"]?.objectValue?["jkt"]?.stringValue { text += " cnf.jkt=\(jkt.prefix(8))…" }
        return text
    }

    /// Runs every case; returns their outcomes.
    public func run() async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        let cluster = client.cluster
        say("authorization server \(cluster.issuer), order service \(cluster.orderURL), payment service \(cluster.paymentURL)")

        // The key of alice's shop-web app (her browser or phone keeps it; it never leaves).
        let aliceKey = await DPoPProofSigner.generateES256()
        // A thief's own key: what someone who copied a token from a log could sign with.
        let thiefKey = await DPoPProofSigner.generateES256()

        say("\n[1] alice places an order (her app holds a DPoP key: her token is bound to it)")
        let aliceLogin = try await client.login("alice", "wonderland", scope: "order.write order.read payment.create", key: aliceKey)
        let alice = aliceLogin.json["access_token"] as? String ?? ""
        hop("shop-web", "warden", "password grant for alice, with a DPoP proof", "\(aliceLogin.status) \(aliceLogin.json["token_type"] as? String ?? "?"), \(describe(alice))")
        let order = try await client.placeOrder(token: alice, key: aliceKey)
        hop("alice", "order-service", "POST /orders, Authorization: DPoP + a fresh proof", "\(order.status) \(order.json["id"] as? String ?? "")")
        if let payment = cluster.ledger.all.last {
            hop("order-service", "payment-service", "POST /payments with an exchanged token bound to its own key (jti \(payment.tokenID.prefix(8))…)",
                "201 \(payment.status), aud=\(payment.audience.joined(separator: ",")) scope=\"\(payment.scope)\" sub=\(payment.subject) act=\(payment.actors.joined(separator: ">")) cnf.jkt=\(payment.keyThumbprint?.prefix(8) ?? "none")…")
        }
        let paid = cluster.ledger.all.last
        check("201, a payment for alice made by order-service", order.status == 201 && paid?.subject == "alice" && paid?.actors == ["order-service"], &outcomes)
        check("alice's token bound to her key, the payment token to the order service's", aliceLogin.json["token_type"] as? String == "DPoP"
            && describe(alice).contains("cnf.jkt=\(aliceKey.thumbprint.prefix(8))") && paid?.keyThumbprint == cluster.orderKeyThumbprint, &outcomes)
        let orderID = order.json["id"] as? String ?? ""
        let fetched = try await client.order(orderID, token: alice, key: aliceKey)
        hop("alice", "order-service", "GET /orders/\(orderID.prefix(8))…", "\(fetched.status)")
        check("alice reads her order", fetched.status == 200 && (fetched.json["owner"] as? String) == "alice", &outcomes)

        say("\n[2] bob (order.read only, a plain bearer token) tries to order")
        let bobLogin = try await client.login("bob", "builder", scope: "order.read")
        let bob = bobLogin.json["access_token"] as? String ?? ""
        hop("shop-web", "warden", "password grant for bob", "\(bobLogin.status), \(describe(bob))")
        let bobOrder = try await client.placeOrder(token: bob)
        hop("bob", "order-service", "POST /orders", "\(bobOrder.status) \(bobOrder.wwwAuthenticate ?? "")")
        check("403 insufficient_scope", bobOrder.status == 403 && bobOrder.wwwAuthenticate?.contains(#"error="insufficient_scope""#) == true, &outcomes)
        let bobPeek = try await client.order(orderID, token: bob)
        hop("bob", "order-service", "GET alice's order", "\(bobPeek.status)")
        check("404: only the owner sees an order", bobPeek.status == 404, &outcomes)

        say("\n[3] alice's token sent straight to the payment service")
        let direct = try await client.pay(token: alice, key: aliceKey)
        hop("alice", "payment-service", "POST /payments with her order-service token and her proof", "\(direct.status) \(direct.wwwAuthenticate ?? "")")
        check("401 invalid_token (wrong audience)", direct.status == 401 && direct.wwwAuthenticate?.contains(#"error="invalid_token""#) == true, &outcomes)

        say("\n[4] an expired and a forged token")
        let expired = try await expiredToken(subject: "alice")
        let expiredReply = try await client.placeOrder(token: expired)
        hop("someone", "order-service", "POST /orders with a token expired 10 minutes ago", "\(expiredReply.status)")
        check("401 for the expired token", expiredReply.status == 401, &outcomes)
        let parts = alice.split(separator: ".")
        let forged = parts.count == 3 ? "\(parts[0]).\(parts[1]).\(String(parts[2].reversed()))" : "x"
        let forgedReply = try await client.placeOrder(token: forged, key: aliceKey)
        hop("someone", "order-service", "POST /orders with a forged signature", "\(forgedReply.status)")
        check("401 for the forged token", forgedReply.status == 401, &outcomes)

        say("\n[5] a bad order never reaches the payment service")
        let paymentsBefore = cluster.ledger.all.count
        let bad = try await client.placeOrder(token: alice, key: aliceKey, rawBody: #"{"item": "book", "amount": -5}"#)
        hop("alice", "order-service", "POST /orders with amount -5", "\(bad.status)")
        check("400 and no payment", bad.status == 400 && cluster.ledger.all.count == paymentsBefore, &outcomes)

        say("\n[6] the exchanged payment token replayed against the order service")
        let leaked = try await client.exchangeAsOrderService(alice, key: thiefKey).json["access_token"] as? String ?? ""
        let replay = try await client.placeOrder(token: leaked, key: thiefKey)
        hop("someone", "order-service", "POST /orders with a payment-service token (\(describe(leaked)))", "\(replay.status)")
        check("401 invalid_token (meant for the payment service)", replay.status == 401, &outcomes)

        say("\n[7] alice's token stolen (copied from a log), used without her key")
        let asBearer = try await client.order(orderID, token: alice)
        hop("thief", "order-service", "GET her order, Authorization: Bearer <her token>", "\(asBearer.status) \(asBearer.wwwAuthenticate ?? "")")
        check("401: a bound token is no bearer token", asBearer.status == 401, &outcomes)
        let ownKey = try await client.order(orderID, token: alice, key: thiefKey)
        hop("thief", "order-service", "the same with a proof signed by the thief's own key", "\(ownKey.status) \(ownKey.wwwAuthenticate ?? "")")
        check("401: the proof's key is not the token's", ownKey.status == 401, &outcomes)
        let url = cluster.orderURL + "/orders/\(orderID)"
        let captured = try client.authorization(alice, key: aliceKey, method: .GET, url: url)
        let original = try await client.send(url, headers: captured)
        let replayed = try await client.send(url, headers: captured)
        hop("thief", "order-service", "alice's request (token and proof) captured and sent again", "\(original.status), then \(replayed.status) \(replayed.wwwAuthenticate ?? "")")
        check("401 invalid_dpop_proof: a proof is good once", original.status == 200 && replayed.status == 401
            && replayed.wwwAuthenticate?.contains(#"error="invalid_dpop_proof""#) == true, &outcomes)
        let paymentAsBearer = try await client.pay(token: leaked)
        hop("thief", "payment-service", "a payment-service token sent without its key", "\(paymentAsBearer.status) \(paymentAsBearer.wwwAuthenticate ?? "")")
        check("401: the payment service takes bound tokens with their proof only", paymentAsBearer.status == 401, &outcomes)

        say("\n[8] a payment request changed on the way (the order service signs what it sends, RFC 9421)")
        // Playing the order service: its exchange (bound to a key of ours) and its signing key.
        let courierKey = await DPoPProofSigner.generateES256()
        let paymentToken = try await client.exchangeAsOrderService(alice, key: courierKey).json["access_token"] as? String ?? ""
        let paymentsURL = cluster.paymentURL + "/payments"
        let paymentsBeforeTamper = cluster.ledger.all.count
        func paymentHeaders(signedBody: String) throws -> [(String, String)] {
            let headers = try client.authorization(paymentToken, key: courierKey, method: .POST, url: paymentsURL) + [("Content-Type", "application/json")]
            return headers + (try client.signature(method: .POST, url: paymentsURL, headers: headers, body: signedBody))
        }
        let honest = #"{"order_id": "o-1", "amount": 1250}"#
        let tampered = #"{"order_id": "o-1", "amount": 125000}"#
        let signedReply = try await client.send(paymentsURL, method: .POST, headers: try paymentHeaders(signedBody: honest), body: honest)
        hop("order-service", "payment-service", "POST /payments, signed (@method @target-uri content-digest authorization dpop)", "\(signedReply.status)")
        let tamperedReply = try await client.send(paymentsURL, method: .POST, headers: try paymentHeaders(signedBody: honest), body: tampered)
        hop("someone on the way", "payment-service", "the same request, amount 1250 → 125000", "\(tamperedReply.status) \(tamperedReply.error ?? "")")
        let unsignedReply = try await client.send(paymentsURL, method: .POST,
                                                  headers: try client.authorization(paymentToken, key: courierKey, method: .POST, url: paymentsURL) + [("Content-Type", "application/json")], body: honest)
        hop("someone", "payment-service", "a valid token and proof, no signature", "\(unsignedReply.status) \(unsignedReply.error ?? "")")
        check("201 signed; 401 invalid_signature changed or unsigned; one payment, of 1250", signedReply.status == 201
            && tamperedReply.status == 401 && tamperedReply.error == "invalid_signature" && unsignedReply.status == 401 && unsignedReply.error == "invalid_signature"
            && cluster.ledger.all.count == paymentsBeforeTamper + 1 && cluster.ledger.all.last?.amount == 1250, &outcomes)

        say("\n[9] alice's token is revoked")
        let revoked = try await client.revoke(alice)
        hop("shop-web", "warden", "POST /oauth2/revoke", "\(revoked.status)")
        let started = Date()
        var refusedAfter: TimeInterval?
        while Date().timeIntervalSince(started) < 3 {
            let attempt = try await client.order(orderID, token: alice, key: aliceKey)
            if attempt.status == 401 { refusedAfter = Date().timeIntervalSince(started); break }
            try await Task.sleep(for: .milliseconds(20))
        }
        hop("alice", "order-service", "her next request", refusedAfter.map { "401 after \(Int($0 * 1000)) ms (the revocation feed reached the service)" } ?? "still accepted")
        check("refused within a second, without waiting for expiry", (refusedAfter ?? 99) < 1, &outcomes)

        let failed = outcomes.filter { !$0.passed }
        say("\nshop-demo: \(outcomes.count - failed.count) passed, \(failed.count) failed")
        return outcomes
    }

    /// A token properly signed by the authorization server that expired ten minutes ago (the
    /// demo runs the server in-process, so it can ask its signer directly).
    func expiredToken(subject: String) async throws -> String {
        let now = Date()
        let claims = AccessTokenClaims(
            issuer: client.cluster.issuer, subject: subject, audience: ["order-service"],
            expiresAt: now.addingTimeInterval(-600), issuedAt: now.addingTimeInterval(-900),
            tokenID: OpaqueToken.generate(bytes: 16), clientID: ShopCluster.webClientID, scope: [.orderWrite, .orderRead, .paymentCreate]
        )
        return try await client.cluster.server.keys.currentSigner().sign(claims)
    }
}
