import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WardenCore
import WardenHummingbird
import WardenTesting

/// Resource servers accepting DPoP-bound tokens (RFC 9449 §7): a bound token is worth nothing
/// without a fresh proof by its key for this very request; both challenges on refusals.
@Suite struct DPoPProtectedRoutesTests {
    static let base = "https://api.example.com"

    static func configuration(dpop: Bool = true) -> BearerAuthenticatorConfiguration {
        var configuration = BearerAuthenticatorConfiguration(realm: "test")
        if dpop { configuration.dpop = DPoPAcceptance(externalBaseURL: base + "/") }
        return configuration
    }

    static func dpop(_ token: String, _ proof: String?) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "DPoP \(token)"]
        if let proof { fields.append(HTTPField(name: HTTPField.Name("DPoP")!, value: proof)) }
        return fields
    }

    func challenges(_ response: TestResponse) -> [String] { response.headers[values: .wwwAuthenticate] }

    @Test func aBoundTokenWithAProofByItsKeyPasses() async throws {
        let issuer = await TestTokenIssuer()
        let key = await DPoPProofSigner.generateES256()
        let token = try issuer.token(scope: ["me"]) { $0.keyThumbprint = key.thumbprint }
        try await makeService(issuer: issuer, configuration: Self.configuration()).0.test(.router) { client in
            let proof = try key.proof(method: "GET", uri: Self.base + "/api/users/me?x=1", accessToken: token)
            try await client.execute(uri: "/api/users/me?x=1", method: .get, headers: Self.dpop(token, proof)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "test-user")
            }
            // The same proof again: a replay.
            try await client.execute(uri: "/api/users/me?x=1", method: .get, headers: Self.dpop(token, proof)) { response in
                #expect(response.status == .unauthorized)
                #expect(challenges(response).last?.hasPrefix(#"DPoP realm="test", error="invalid_dpop_proof""#) == true)
            }
        }
    }

    @Test func eachWayToPresentABoundTokenWronglyIsRefused() async throws {
        let issuer = await TestTokenIssuer()
        let key = await DPoPProofSigner.generateES256()
        let thief = await DPoPProofSigner.generateES256()
        let token = try issuer.token(scope: ["me"]) { $0.keyThumbprint = key.thumbprint }
        let unbound = try issuer.token(scope: ["me"])
        let uri = Self.base + "/api/users/me"
        let refusals = RecordedRefusals()
        var configuration = Self.configuration()
        configuration.refusals = refusals
        try await makeService(issuer: issuer, configuration: configuration).0.test(.router) { client in
            func status(_ headers: HTTPFields) async throws -> (HTTPResponse.Status, [String]) {
                try await client.execute(uri: "/api/users/me", method: .get, headers: headers) { ($0.status, challenges($0)) }
            }
            let algs = #"algs="ES256 EdDSA ES384 RS256""#
            // As a bearer token (RFC 9449 §7.2): invalid_token on the Bearer challenge.
            let asBearer = try await status(bearer(token))
            #expect(asBearer.0 == .unauthorized)
            #expect(asBearer.1 == [
                #"Bearer realm="test", error="invalid_token", error_description="The access token is invalid.""#,
                #"DPoP realm="test", \#(algs)"#,
            ])
            // No proof, two proofs, a proof by another key, for another URI or method, without ath.
            var twoProofs = Self.dpop(token, try key.proof(method: "GET", uri: uri, accessToken: token))
            twoProofs.append(HTTPField(name: HTTPField.Name("DPoP")!, value: try key.proof(method: "GET", uri: uri, accessToken: token)))
            let cases: [(String, HTTPFields)] = [
                ("no proof", Self.dpop(token, nil)),
                ("two proofs", twoProofs),
                ("another key", Self.dpop(token, try thief.proof(method: "GET", uri: uri, accessToken: token))),
                ("another URI", Self.dpop(token, try key.proof(method: "GET", uri: Self.base + "/api/status", accessToken: token))),
                ("the listening address", Self.dpop(token, try key.proof(method: "GET", uri: "http://127.0.0.1/api/users/me", accessToken: token))),
                ("another method", Self.dpop(token, try key.proof(method: "POST", uri: uri, accessToken: token))),
                ("no ath", Self.dpop(token, try key.proof(method: "GET", uri: uri))),
                ("another token's ath", Self.dpop(token, try key.proof(method: "GET", uri: uri, accessToken: unbound))),
            ]
            for (name, headers) in cases {
                let (code, fields) = try await status(headers)
                #expect(code == .unauthorized, "\(name)")
                #expect(fields == [#"Bearer realm="test""#, #"DPoP realm="test", error="invalid_dpop_proof", error_description="The DPoP proof is invalid.", \#(algs)"#], "\(name)")
            }
            // Each is reported (issue 14) as a DPoP refusal of the token's owner, with the check
            // that failed; never the token.
            let reported = refusals.all
            #expect(reported.map(\.reason) == ["noProof", "noProof", "severalProofs", "keyMismatch", "wrongURI", "wrongURI", "wrongMethod", "missingClaim", "accessTokenMismatch"])
            #expect(reported.allSatisfy { $0.kind == .invalidDPoPProof && $0.subject == "test-user" && $0.tokenID != nil })
            refusals.clear()
            // An unbound token under DPoP: invalid_token, on the DPoP challenge.
            let unboundAsDPoP = try await status(Self.dpop(unbound, try key.proof(method: "GET", uri: uri, accessToken: unbound)))
            #expect(unboundAsDPoP.1.last == #"DPoP realm="test", error="invalid_token", error_description="The access token is invalid.", \#(algs)"#)
            // Bearer tokens still pass; no credentials: both challenges, with the route's scopes.
            #expect(try await status(bearer(unbound)).0 == .ok)
            let none = try await status([:])
            #expect(none.1 == [#"Bearer realm="test", scope="me""#, #"DPoP realm="test", scope="me", \#(algs)"#])
            // 403 for a bound token lacking a scope: on the DPoP challenge.
            let items = try await client.execute(uri: "/api/users/me/items", method: .get, headers: Self.dpop(token, try key.proof(method: "GET", uri: Self.base + "/api/users/me/items", accessToken: token))) { ($0.status, challenges($0)) }
            #expect(items.0 == .forbidden)
            #expect(items.1.last?.contains(#"error="insufficient_scope""#) == true)
            #expect(refusals.all.map(\.kind) == [.invalidDPoPProof, .insufficientScope])
        }
    }

    /// Without DPoP configured, nothing changes: one Bearer challenge, the `DPoP` scheme is not
    /// a credential here, and a bound token is refused.
    @Test func withoutDPoPABoundTokenIsRefusedAndTheSchemeUnknown() async throws {
        let issuer = await TestTokenIssuer()
        let key = await DPoPProofSigner.generateES256()
        let token = try issuer.token(scope: ["me"]) { $0.keyThumbprint = key.thumbprint }
        try await makeService(issuer: issuer, configuration: Self.configuration(dpop: false)).0.test(.router) { client in
            try await client.execute(uri: "/api/users/me", method: .get, headers: Self.dpop(token, try key.proof(method: "GET", uri: Self.base + "/api/users/me", accessToken: token))) { response in
                #expect(response.status == .unauthorized)
                #expect(challenges(response) == [#"Bearer realm="test", scope="me""#])
            }
            try await client.execute(uri: "/api/users/me", method: .get, headers: bearer(token)) { response in
                #expect(challenges(response) == [#"Bearer realm="test", error="invalid_token", error_description="The access token is invalid.""#])
            }
        }
    }

    /// A group requiring proof of possession takes DPoP-bound tokens only; its refusals offer
    /// the `DPoP` challenge alone.
    @Test func aGroupRequiringProofOfPossessionRefusesBearerTokens() async throws {
        let issuer = await TestTokenIssuer()
        let key = await DPoPProofSigner.generateES256()
        let bound = try issuer.token(scope: ["me"]) { $0.keyThumbprint = key.thumbprint }
        let unbound = try issuer.token(scope: ["me"])
        let router = Router(context: TestContext.self)
        let authenticator = BearerAuthenticator(verifier: issuer.verifier(), configuration: Self.configuration(), context: TestContext.self)
        router.protected("pay", by: authenticator, requiring: .allOf("me")).requiringProofOfPossession()
            .group("now").get { _, _, auth in auth.subject }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.router) { client in
            let algs = #"algs="ES256 EdDSA ES384 RS256""#
            try await client.execute(uri: "/pay/now", method: .get, headers: bearer(unbound)) { response in
                #expect(response.status == .unauthorized)
                #expect(challenges(response) == [#"DPoP realm="test", error="invalid_token", error_description="This resource requires a DPoP-bound access token.", scope="me", \#(algs)"#])
            }
            try await client.execute(uri: "/pay/now", method: .get) { response in
                #expect(challenges(response) == [#"DPoP realm="test", scope="me", \#(algs)"#])
            }
            let proof = try key.proof(method: "GET", uri: Self.base + "/pay/now", accessToken: bound)
            try await client.execute(uri: "/pay/now", method: .get, headers: Self.dpop(bound, proof)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    /// A service taking bound tokens only, on every route (`DPoPAcceptance.requiringProofOfPossession()`):
    /// refusals made before routing (a bearer token, an invalid one) name the DPoP scheme alone too.
    @Test func aServiceRequiringProofOfPossessionOffersDPoPAloneEverywhere() async throws {
        let issuer = await TestTokenIssuer()
        let key = await DPoPProofSigner.generateES256()
        let bound = try issuer.token(scope: ["me"]) { $0.keyThumbprint = key.thumbprint }
        let unbound = try issuer.token(scope: ["me"])
        var configuration = Self.configuration(dpop: false)
        configuration.dpop = DPoPAcceptance(externalBaseURL: Self.base).requiringProofOfPossession()
        let router = Router(context: TestContext.self)
        let authenticator = BearerAuthenticator(verifier: issuer.verifier(), configuration: configuration, context: TestContext.self)
        router.protected("pay", by: authenticator, requiring: .allOf("me")).get { _, _, auth in auth.subject }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.router) { client in
            let algs = #"algs="ES256 EdDSA ES384 RS256""#
            let required = #"DPoP realm="test", error="invalid_token", error_description="This resource requires a DPoP-bound access token.", \#(algs)"#
            // A valid unbound token, a bound one, garbage: under Bearer, none is even verified.
            for token in [unbound, bound, "garbage"] {
                try await client.execute(uri: "/pay", method: .get, headers: bearer(token)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(challenges(response) == [required])
                }
            }
            // An invalid token under DPoP: refused by the authenticator, DPoP challenge alone.
            let proof = try key.proof(method: "GET", uri: Self.base + "/pay", accessToken: "garbage")
            try await client.execute(uri: "/pay", method: .get, headers: Self.dpop("garbage", proof)) { response in
                #expect(challenges(response) == [#"DPoP realm="test", error="invalid_token", error_description="The access token is invalid.", \#(algs)"#])
            }
            try await client.execute(uri: "/pay", method: .get) { response in
                #expect(challenges(response) == [#"DPoP realm="test", scope="me", \#(algs)"#])
            }
            // Malformed credentials (400 invalid_request): the DPoP challenge alone, too.
            for headers: HTTPFields in [[.authorization: "DPoP"], [.authorization: "DPoP a", .authorization: "DPoP b"]] {
                try await client.execute(uri: "/pay", method: .get, headers: headers) { response in
                    #expect(response.status == .badRequest)
                    #expect(challenges(response).count == 1)
                    #expect(challenges(response).first?.hasPrefix(#"DPoP realm="test", error="invalid_request""#) == true)
                }
            }
            try await client.execute(uri: "/pay?access_token=abc", method: .get) { response in
                #expect(challenges(response).first?.hasPrefix(#"DPoP realm="test", error="invalid_request""#) == true)
            }
            let good = try key.proof(method: "GET", uri: Self.base + "/pay", accessToken: bound)
            try await client.execute(uri: "/pay", method: .get, headers: Self.dpop(bound, good)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    /// Resource-server nonces (RFC 9449 §9): a proof without this service's nonce gets `401
    /// use_dpop_nonce` and a `DPoP-Nonce`; with it, the request passes.
    @Test func whenTheServiceRequiresItsNonceAProofMustCarryIt() async throws {
        let issuer = await TestTokenIssuer()
        let key = await DPoPProofSigner.generateES256()
        let token = try issuer.token(scope: ["me"]) { $0.keyThumbprint = key.thumbprint }
        var configuration = BearerAuthenticatorConfiguration(realm: "test")
        configuration.dpop = DPoPAcceptance(externalBaseURL: Self.base, nonces: DPoPNonces(key: SymmetricKey(size: .bits256)))
        try await makeService(issuer: issuer, configuration: configuration).0.test(.router) { client in
            let uri = Self.base + "/api/users/me"
            let nonce = try await client.execute(uri: "/api/users/me", method: .get, headers: Self.dpop(token, try key.proof(method: "GET", uri: uri, accessToken: token))) { response in
                #expect(response.status == .unauthorized)
                #expect(challenges(response).last?.hasPrefix(#"DPoP realm="test", error="use_dpop_nonce""#) == true)
                return response.headers[HTTPField.Name("DPoP-Nonce")!]
            }
            let fresh = try #require(nonce)
            try await client.execute(uri: "/api/users/me", method: .get, headers: Self.dpop(token, try key.proof(method: "GET", uri: uri, accessToken: token, nonce: fresh))) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
