import Foundation
import Testing
import Vapor
import VaporTesting
import WardenCore
import WardenTesting
import WardenVapor

/// DPoP-bound tokens on Vapor (RFC 9449 §7): the same checks and challenges as on Hummingbird.
@Suite struct DPoPVaporRoutesTests {
    static let base = "https://orders.example.com"

    @Test func aBoundTokenNeedsAProofByItsKey() async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
        let key = await DPoPProofSigner.generateES256()
        let token = try issuer.token(subject: "alice", scope: ["order.read"]) { $0.keyThumbprint = key.thumbprint }
        var configuration = BearerAuthenticatorConfiguration(realm: "orders")
        configuration.dpop = DPoPAcceptance(externalBaseURL: Self.base)
        try await withApp(configure: { app in
            let bearer = BearerMiddleware(verifier: issuer.verifier(), configuration: configuration)
            app.protected(by: bearer, requiring: .allOf("order.read")).grouped("orders").get(":id") { _, auth in "order for \(auth.subject)" }
        }) { app in
            let tester = try app.testing()
            let proof = try key.proof(method: "GET", uri: Self.base + "/orders/7", accessToken: token)
            try await tester.test(.GET, "orders/7", headers: ["Authorization": "DPoP \(token)", "DPoP": proof]) { response in
                #expect(response.status == .ok)
                #expect(response.body.string == "order for alice")
            }
            let algs = #"algs="ES256 EdDSA ES384 RS256""#
            try await tester.test(.GET, "orders/7", headers: ["Authorization": "Bearer \(token)"]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == [
                    #"Bearer realm="orders", error="invalid_token", error_description="The access token is invalid.""#,
                    #"DPoP realm="orders", \#(algs)"#,
                ])
            }
            // Replayed.
            try await tester.test(.GET, "orders/7", headers: ["Authorization": "DPoP \(token)", "DPoP": proof]) { response in
                #expect(response.headers[.wwwAuthenticate].last == #"DPoP realm="orders", error="invalid_dpop_proof", error_description="The DPoP proof is invalid.", \#(algs)"#)
            }
            try await tester.test(.GET, "orders/7") { response in
                #expect(response.headers[.wwwAuthenticate] == [#"Bearer realm="orders", scope="order.read""#, #"DPoP realm="orders", scope="order.read", \#(algs)"#])
            }
        }
    }

    @Test func aServiceRequiringProofOfPossessionOffersDPoPAlone() async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "order-service")
        let key = await DPoPProofSigner.generateES256()
        let bound = try issuer.token(subject: "alice", scope: ["order.read"]) { $0.keyThumbprint = key.thumbprint }
        let unbound = try issuer.token(subject: "alice", scope: ["order.read"])
        var configuration = BearerAuthenticatorConfiguration(realm: "orders")
        configuration.dpop = DPoPAcceptance(externalBaseURL: Self.base).requiringProofOfPossession()
        try await withApp(configure: { app in
            let bearer = BearerMiddleware(verifier: issuer.verifier(), configuration: configuration)
            app.protected(by: bearer, requiring: .allOf("order.read")).grouped("orders").get(":id") { _, auth in "order for \(auth.subject)" }
        }) { app in
            let tester = try app.testing()
            let algs = #"algs="ES256 EdDSA ES384 RS256""#
            for token in [unbound, bound, "garbage"] {
                try await tester.test(.GET, "orders/7", headers: ["Authorization": "Bearer \(token)"]) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == [
                        #"DPoP realm="orders", error="invalid_token", error_description="This resource requires a DPoP-bound access token.", \#(algs)"#,
                    ])
                }
            }
            try await tester.test(.GET, "orders/7") { response in
                #expect(response.headers[.wwwAuthenticate] == [#"DPoP realm="orders", scope="order.read", \#(algs)"#])
            }
            let proof = try key.proof(method: "GET", uri: Self.base + "/orders/7", accessToken: bound)
            try await tester.test(.GET, "orders/7", headers: ["Authorization": "DPoP \(bound)", "DPoP": proof]) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
