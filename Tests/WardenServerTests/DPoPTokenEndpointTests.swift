import Foundation
import Testing
import WardenCore
import WardenServer
import WardenServerHummingbird

/// DPoP at the token endpoint (RFC 9449 §5), over a real socket: a valid proof binds the token
/// to its key (`cnf.jkt`, `token_type: DPoP`), every grant; a bad, replayed or doubled proof is
/// `400 invalid_dpop_proof`; metadata and introspection say so.
@Suite struct DPoPTokenEndpointTests {
    static let report = ("report-service", TestServer.reportSecret)

    /// Where clients send token requests, as the metadata says (the issuer's URL, which need
    /// not be the address the test server listens on): what a proof's `htu` names.
    func tokenEndpoint(_ server: TestServer) -> String { "http://warden.test/oauth2/token" }

    @Test func aValidProofBindsTheTokenToItsKey() async throws {
        try await TestServer.run { server in
            let signer = await DPoPProofSigner.generateES256()
            let proof = try signer.proof(method: "POST", uri: tokenEndpoint(server))
            let reply = try await server.post("/oauth2/token", [("grant_type", "client_credentials"), ("scope", "report.read")], basic: Self.report, headers: [("DPoP", proof)])
            #expect(reply.status == 200)
            #expect(reply.json["token_type"] as? String == "DPoP")
            let token = try #require(reply.accessToken)
            let verified = try await server.verifier(audience: "order-service").verify(token)
            #expect(verified.keyThumbprint == signer.thumbprint)
            // Without a proof: a bearer token, as before.
            let bearer = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report)
            #expect(bearer.json["token_type"] as? String == "Bearer")
            #expect(try await server.verifier(audience: "order-service").verify(try #require(bearer.accessToken)).keyThumbprint == nil)
            // Introspection (RFC 9449 §6.2): token_type and cnf.
            let introspected = try await server.post("/oauth2/introspect", [("token", token)], basic: Self.report)
            #expect(introspected.json["token_type"] as? String == "DPoP")
            #expect((introspected.json["cnf"] as? [String: String])?["jkt"] == signer.thumbprint)
        }
    }

    @Test func everyUserGrantAndTheExchangeBind() async throws {
        try await TestServer.run { server in
            let web = await DPoPProofSigner.generateES256()
            func proof() throws -> String { try web.proof(method: "POST", uri: tokenEndpoint(server)) }
            let password = try await server.post("/oauth2/token", [("grant_type", "password"), ("username", "alice"), ("password", "wonderland"), ("client_id", "shop-web"), ("scope", "order.read payment.create")], headers: [("DPoP", try proof())])
            #expect(password.json["token_type"] as? String == "DPoP")
            let refresh = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", try #require(password.refreshToken)), ("client_id", "shop-web")], headers: [("DPoP", try proof())])
            #expect(refresh.json["token_type"] as? String == "DPoP")
            #expect(try await server.verifier(audience: "order-service").verify(try #require(refresh.accessToken)).keyThumbprint == web.thumbprint)
            // The order service exchanges the user's token with its own key: the new token is
            // bound to the exchanging client's key, not the user's.
            let service = await DPoPProofSigner.generateES256()
            let exchanged = try await server.post("/oauth2/token", [
                ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("subject_token", try #require(password.accessToken)),
                ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"), ("audience", "payment-service"),
            ], basic: ("order-service", TestServer.orderSecret), headers: [("DPoP", try service.proof(method: "POST", uri: tokenEndpoint(server)))])
            #expect(exchanged.status == 200)
            #expect(try await server.verifier(audience: "payment-service").verify(try #require(exchanged.accessToken)).keyThumbprint == service.thumbprint)
            // A bound subject token is exchanged only for a bound token (review finding).
            let unboundExchange = try await server.post("/oauth2/token", [
                ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("subject_token", try #require(password.accessToken)),
                ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"), ("audience", "payment-service"),
            ], basic: ("order-service", TestServer.orderSecret))
            #expect(unboundExchange.error == "invalid_dpop_proof")
        }
    }

    /// RFC 9449 §5.2: a public client's refresh token issued with a proof is redeemed only with
    /// a proof by the same key; a copy without the key does not burn it. A confidential
    /// client's refresh tokens are not bound (its authentication binds them).
    @Test func aPublicClientsRefreshTokenIsBoundToItsKey() async throws {
        try await TestServer.run { server in
            let web = await DPoPProofSigner.generateES256()
            let thief = await DPoPProofSigner.generateES256()
            let password = try await server.post("/oauth2/token", [("grant_type", "password"), ("username", "alice"), ("password", "wonderland"), ("client_id", "shop-web")], headers: [("DPoP", try web.proof(method: "POST", uri: tokenEndpoint(server)))])
            let refreshToken = try #require(password.refreshToken)
            func refresh(_ headers: [(String, String)]) async throws -> Reply {
                try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", "shop-web")], headers: headers)
            }
            let withoutProof = try await refresh([])
            #expect(withoutProof.status == 400)
            #expect(withoutProof.error == "invalid_grant")
            let otherKey = try await refresh([("DPoP", try thief.proof(method: "POST", uri: tokenEndpoint(server)))])
            #expect(otherKey.error == "invalid_grant")
            // Not burned by those: the holder of the key still refreshes, and the successor is bound too.
            let rightful = try await refresh([("DPoP", try web.proof(method: "POST", uri: tokenEndpoint(server)))])
            #expect(rightful.status == 200)
            let successor = try #require(rightful.refreshToken)
            let stolenSuccessor = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", successor), ("client_id", "shop-web")])
            #expect(stolenSuccessor.error == "invalid_grant")
            // A refresh token issued without a proof stays a bearer refresh token…
            let plain = try await server.passwordToken("alice", "wonderland")
            let plainRefresh = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", try #require(plain.refreshToken)), ("client_id", "shop-web")])
            #expect(plainRefresh.status == 200)
            // …until the public client refreshes with a proof: from then on the family is bound
            // (RFC 9449 §5; a review found the successor stayed unbound).
            let nowBound = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", try #require(plainRefresh.refreshToken)), ("client_id", "shop-web")], headers: [("DPoP", try web.proof(method: "POST", uri: tokenEndpoint(server)))])
            #expect(nowBound.json["token_type"] as? String == "DPoP")
            let stolen = try await server.post("/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", try #require(nowBound.refreshToken)), ("client_id", "shop-web")])
            #expect(stolen.error == "invalid_grant")
        }
    }

    /// A client exchanging its own bound token proves the token's key (review finding: the
    /// binding could be dropped by an exchange without a proof).
    @Test func exchangingYourOwnBoundTokenNeedsItsKey() async throws {
        try await TestServer.run { server in
            let key = await DPoPProofSigner.generateES256()
            let other = await DPoPProofSigner.generateES256()
            let order = ("order-service", TestServer.orderSecret)
            let own = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: order, headers: [("DPoP", try key.proof(method: "POST", uri: tokenEndpoint(server)))])
            let token = try #require(own.accessToken)
            func exchange(_ signer: DPoPProofSigner) async throws -> Reply {
                try await server.post("/oauth2/token", [
                    ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("subject_token", token),
                    ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
                ], basic: order, headers: [("DPoP", try signer.proof(method: "POST", uri: tokenEndpoint(server)))])
            }
            #expect(try await exchange(other).error == "invalid_dpop_proof")
            #expect(try await exchange(key).json["token_type"] as? String == "DPoP")
        }
    }

    /// RFC 9449 §5.2 (`dpop_bound_access_tokens`): a client registered to use DPoP gets no
    /// token without a proof.
    @Test func aClientThatMustUseDPoPGetsNoTokenWithoutAProof() async throws {
        try await TestServer.run { server in
            try await server.store.createClient(ClientRecord(id: "strict-web", secretHash: nil, grants: [.password], scopes: ["order.read"], audiences: ["order-service"], requiresDPoP: true))
            let form = [("grant_type", "password"), ("username", "alice"), ("password", "wonderland"), ("client_id", "strict-web")]
            let without = try await server.post("/oauth2/token", form)
            #expect(without.status == 400)
            #expect(without.error == "invalid_dpop_proof")
            let key = await DPoPProofSigner.generateES256()
            let with = try await server.post("/oauth2/token", form, headers: [("DPoP", try key.proof(method: "POST", uri: tokenEndpoint(server)))])
            #expect(with.json["token_type"] as? String == "DPoP")
        }
    }

    @Test func badProofsAreInvalidDPoPProof() async throws {
        try await TestServer.run { server in
            let signer = await DPoPProofSigner.generateES256()
            let good = try signer.proof(method: "POST", uri: tokenEndpoint(server))
            let cases: [(String, [(String, String)])] = [
                ("garbage", [("DPoP", "not.a.proof")]),
                ("another endpoint", [("DPoP", try signer.proof(method: "POST", uri: "http://warden.test/oauth2/revoke"))]),
                ("the listening address", [("DPoP", try signer.proof(method: "POST", uri: server.baseURL + "/oauth2/token"))]),
                ("another method", [("DPoP", try signer.proof(method: "GET", uri: tokenEndpoint(server)))]),
                ("too old", [("DPoP", try signer.proof(method: "POST", uri: tokenEndpoint(server), issuedAt: Date().addingTimeInterval(-300)))]),
                ("two proofs", [("DPoP", good), ("DPoP", try signer.proof(method: "POST", uri: tokenEndpoint(server)))]),
            ]
            for (name, headers) in cases {
                let reply = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report, headers: headers)
                #expect(reply.status == 400, "\(name)")
                #expect(reply.error == "invalid_dpop_proof", "\(name)")
            }
            // Used once, then replayed.
            #expect(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report, headers: [("DPoP", good)]).status == 200)
            let replayed = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report, headers: [("DPoP", good)])
            #expect(replayed.error == "invalid_dpop_proof")
            // The client is authenticated first: a wrong secret is invalid_client, proof or not.
            let wrongSecret = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("report-service", "wrong"), headers: [("DPoP", "x")])
            #expect(wrongSecret.error == "invalid_client")
        }
    }

    /// Server nonces (RFC 9449 §8), when required: a proof without the current nonce gets
    /// `400 use_dpop_nonce` and a `DPoP-Nonce`; with it, a token.
    @Test func whenNoncesAreRequiredAProofMustCarryTheServers() async throws {
        try await TestServer.run(configure: { $0.dpopNonceWindow = .seconds(60) }) { server in
            let key = await DPoPProofSigner.generateES256()
            let first = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report, headers: [("DPoP", try key.proof(method: "POST", uri: tokenEndpoint(server)))])
            #expect(first.status == 400)
            #expect(first.error == "use_dpop_nonce")
            let nonce = try #require(first.header("DPoP-Nonce"))
            let wrong = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report, headers: [("DPoP", try key.proof(method: "POST", uri: tokenEndpoint(server), nonce: "made-up"))])
            #expect(wrong.error == "use_dpop_nonce")
            let second = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: Self.report, headers: [("DPoP", try key.proof(method: "POST", uri: tokenEndpoint(server), nonce: nonce))])
            #expect(second.status == 200)
            #expect(second.json["token_type"] as? String == "DPoP")
        }
    }

    @Test func theMetadataNamesTheAcceptedAlgorithms() async throws {
        try await TestServer.run { server in
            let metadata = try await server.get("/.well-known/oauth-authorization-server")
            #expect(metadata.json["dpop_signing_alg_values_supported"] as? [String] == ["ES256", "EdDSA", "ES384", "RS256"])
            #expect(metadata.json["token_endpoint"] as? String == tokenEndpoint(server))
        }
    }
}
