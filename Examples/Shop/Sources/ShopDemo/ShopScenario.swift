import Foundation
import ShopServices
import WardenCore
import WardenServer
import WardenServerHummingbird

/// The demo's scenario: every case of issue 4, each hop printed, each outcome checked.
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
        return text
    }

    /// Runs every case; returns their outcomes.
    public func run() async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        let cluster = client.cluster
        say("authorization server \(cluster.issuer), order service \(cluster.orderURL), payment service \(cluster.paymentURL)")

        say("\n[1] alice places an order")
        let aliceLogin = try await client.login("alice", "wonderland", scope: "order.write order.read payment.create")
        let alice = aliceLogin.json["access_token"] as? String ?? ""
        hop("shop-web", "warden", "password grant for alice", "\(aliceLogin.status), \(describe(alice))")
        let order = try await client.placeOrder(token: alice)
        hop("alice", "order-service", "POST /orders with her token", "\(order.status) \(order.json["id"] as? String ?? "")")
        if let payment = cluster.ledger.all.last {
            hop("order-service", "payment-service", "POST /payments with an exchanged token (jti \(payment.tokenID.prefix(8))…)",
                "201 \(payment.status), aud=\(payment.audience.joined(separator: ",")) scope=\"\(payment.scope)\" sub=\(payment.subject) act=\(payment.actors.joined(separator: ">"))")
        }
        let paid = cluster.ledger.all.last
        check("201, a payment for alice made by order-service", order.status == 201 && paid?.subject == "alice" && paid?.actors == ["order-service"], &outcomes)
        let orderID = order.json["id"] as? String ?? ""
        let fetched = try await client.order(orderID, token: alice)
        hop("alice", "order-service", "GET /orders/\(orderID.prefix(8))…", "\(fetched.status)")
        check("alice reads her order", fetched.status == 200 && (fetched.json["owner"] as? String) == "alice", &outcomes)

        say("\n[2] bob (order.read only) tries to order")
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
        let direct = try await client.pay(token: alice)
        hop("alice", "payment-service", "POST /payments with her order-service token", "\(direct.status) \(direct.wwwAuthenticate ?? "")")
        check("401 invalid_token (wrong audience)", direct.status == 401 && direct.wwwAuthenticate?.contains(#"error="invalid_token""#) == true, &outcomes)

        say("\n[4] an expired and a forged token")
        let expired = try await expiredToken(subject: "alice")
        let expiredReply = try await client.placeOrder(token: expired)
        hop("someone", "order-service", "POST /orders with a token expired 10 minutes ago", "\(expiredReply.status)")
        check("401 for the expired token", expiredReply.status == 401, &outcomes)
        let parts = alice.split(separator: ".")
        let forged = parts.count == 3 ? "\(parts[0]).\(parts[1]).\(String(parts[2].reversed()))" : "x"
        let forgedReply = try await client.placeOrder(token: forged)
        hop("someone", "order-service", "POST /orders with a forged signature", "\(forgedReply.status)")
        check("401 for the forged token", forgedReply.status == 401, &outcomes)

        say("\n[5] a bad order never reaches the payment service")
        let paymentsBefore = cluster.ledger.all.count
        let bad = try await client.placeOrder(token: alice, rawBody: #"{"item": "book", "amount": -5}"#)
        hop("alice", "order-service", "POST /orders with amount -5", "\(bad.status)")
        check("400 and no payment", bad.status == 400 && cluster.ledger.all.count == paymentsBefore, &outcomes)

        say("\n[6] the exchanged payment token replayed against the order service")
        let leaked = try await client.exchangeAsOrderService(alice).json["access_token"] as? String ?? ""
        let replay = try await client.placeOrder(token: leaked)
        hop("someone", "order-service", "POST /orders with a payment-service token (\(describe(leaked)))", "\(replay.status)")
        check("401 invalid_token (meant for the payment service)", replay.status == 401, &outcomes)

        say("\n[7] alice's token is revoked")
        let revoked = try await client.revoke(alice)
        hop("shop-web", "warden", "POST /oauth2/revoke", "\(revoked.status)")
        let started = Date()
        var refusedAfter: TimeInterval?
        while Date().timeIntervalSince(started) < 3 {
            let attempt = try await client.order(orderID, token: alice)
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
