import Crypto
import Foundation
import Testing
import WardenClient
import WardenCore
import WardenServer
import WardenServerHummingbird
import WardenSQLite
import WardenTesting

/// Request-signing keys (RFC 9421) registered per client with `warden client create/update`, and
/// handed by `POST /oauth2/signing-keys` to the services that client may call, over real HTTP.
@Suite struct ClientSigningKeyTests {
    static let secret = (0..<32).map { UInt8($0 &* 7 &+ 3) }

    /// A server with: `payments` and `other` (confidential, no grants: they only authenticate),
    /// `orders` (may call `payments`) with an HMAC secret and an Ed25519 key, `app` (public).
    @discardableResult
    static func withRegisteredKeys<T: Sendable>(_ body: @Sendable (TestServer, _ common: [String], _ edKey: HTTPSignatureKey) async throws -> T) async throws -> T {
        let db = try CommandLineDatabase()
        let common = db.common
        let edKey = HTTPSignatureKey.ed25519(id: "orders:ed", privateKey: Curve25519.Signing.PrivateKey())
        let jwkFile = db.directory + "/orders-ed.jwk"
        try Data(JSONValue.object(try #require(edKey.publicJWK)).serialized()).write(to: URL(fileURLWithPath: jwkFile))

        return try await db.serve(configure: { $0.recordCacheLifetime = .zero }) { server in
            try await CommandLineTests.run(["client", "create", "payments", "--secret", "payments-secret-0123456789"] + common)
            try await CommandLineTests.run(["client", "create", "other", "--secret", "other-secret-0123456789"] + common)
            try await CommandLineTests.run(["client", "create", "app", "--public", "--grant", "password", "--audience", "payments"] + common)
            let created = try await CommandLineErrorTests.warden(
                ["client", "create", "orders", "--secret", "orders-secret-0123456789", "--grant", "client_credentials", "--audience", "payments",
                 "--signing-secret-stdin", "--signing-jwk", jwkFile, "--json"] + common,
                input: Data(secret).base64EncodedString() + "\n"
            )
            #expect(created.status == 0, "\(created.errors)")
            let printed = try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any]
            let keys = printed?["signing_keys"] as? [[String: String]]
            #expect(keys == [["key_id": "orders:ed", "algorithm": "ed25519"], ["key_id": "orders", "algorithm": "hmac-sha256"]])
            return try await body(server, common, edKey)
        }
    }

    @Test func aKeyGoesOnlyToTheServicesItsClientMayCall() async throws {
        try await Self.withRegisteredKeys { server, common, edKey in
            let payments = ("payments", "payments-secret-0123456789")
            let hmac = try await server.post("/oauth2/signing-keys", [("key_id", "orders")], basic: payments)
            #expect(hmac.status == 200)
            #expect(hmac.header("Cache-Control") == "no-store")
            #expect(hmac.json["client_id"] as? String == "orders")
            #expect(hmac.json["algorithm"] as? String == "hmac-sha256")
            let jwk = try #require(hmac.json["jwk"] as? [String: String])
            #expect(jwk["kty"] == "oct" && jwk["k"] == Base64URL.encode(Self.secret))

            let ed = try await server.post("/oauth2/signing-keys", [("key_id", "orders:ed"), ("client_id", payments.0), ("client_secret", payments.1)])
            #expect(ed.status == 200)
            #expect((ed.json["jwk"] as? [String: String])?["x"] == edKey.publicJWK?["x"]?.stringValue)

            // Not an audience of `orders`, unknown keys and clients: one and the same 404.
            let other = try await server.post("/oauth2/signing-keys", [("key_id", "orders")], basic: ("other", "other-secret-0123456789"))
            let unknownKey = try await server.post("/oauth2/signing-keys", [("key_id", "orders:nope")], basic: payments)
            let unknownClient = try await server.post("/oauth2/signing-keys", [("key_id", "nobody")], basic: payments)
            let huge = try await server.post("/oauth2/signing-keys", [("key_id", String(repeating: "o", count: 10_000))], basic: payments)
            for reply in [other, unknownKey, unknownClient, huge] {
                #expect(reply.status == 404, "\(reply)")
                #expect(reply.body == other.body)
                #expect(!reply.body.contains(UInt8(ascii: "k")) || reply.error == "not_found")
            }

            // Who asks must authenticate as a confidential client.
            #expect(try await server.post("/oauth2/signing-keys", [("key_id", "orders")], basic: ("payments", "wrong-secret-0123456789")).error == "invalid_client")
            #expect(try await server.post("/oauth2/signing-keys", [("key_id", "orders")]).status == 401)
            #expect(try await server.post("/oauth2/signing-keys", [("key_id", "orders"), ("client_id", "app")]).error == "invalid_client")
            // Malformed requests.
            #expect(try await server.post("/oauth2/signing-keys", [], basic: payments).error == "invalid_request")
            #expect(try await server.post("/oauth2/signing-keys", [("key_id", "orders"), ("key_id", "orders:ed")], basic: payments).error == "invalid_request")
            #expect(try await server.post("/oauth2/signing-keys", [], basic: payments, contentType: "application/json", rawBody: #"{"key_id":"orders"}"#).status == 400)

            // Stored sealed: neither the secret nor its base64 is in the database file.
            let file = try Data(contentsOf: URL(fileURLWithPath: common[1]))
            #expect(file.range(of: Data(Self.secret)) == nil)
            #expect(file.range(of: Data(Base64URL.encode(Self.secret).utf8)) == nil)
            #expect(file.range(of: Data(Data(Self.secret).base64EncodedString().utf8)) == nil)

            // Removed: gone at once (the server's client cache is off here).
            try await CommandLineTests.run(["client", "update", "orders", "--remove-signing-key", "orders"] + common)
            #expect(try await server.post("/oauth2/signing-keys", [("key_id", "orders")], basic: payments).status == 404)
            #expect(try await server.post("/oauth2/signing-keys", [("key_id", "orders:ed")], basic: payments).status == 200)
            let audit = try await server.store.auditEvents(limit: 50).filter { $0.clientID == "orders" }.compactMap(\.detail)
            #expect(audit.contains("warden client update: signing keys: orders:ed (ed25519)"))
            #expect(audit.contains { $0.contains("signing keys: orders:ed (ed25519), orders (hmac-sha256)") })
        }
    }

    @Test func refusedKeysNameTheCauseAndChangeNothing() async throws {
        try await Self.withRegisteredKeys { server, common, _ in
            let directory = (common[1] as NSString).deletingLastPathComponent
            func jwkFile(_ name: String, _ jwk: [String: JSONValue]) throws -> String {
                let path = directory + "/" + name
                try Data(JSONValue.object(jwk).serialized()).write(to: URL(fileURLWithPath: path))
                return path
            }
            let privateKey = P256.Signing.PrivateKey()
            var p256 = try #require(HTTPSignatureKey.ecdsaP256SHA256(id: "orders:p", publicKey: privateKey.publicKey).publicJWK)
            var withPrivate = p256
            withPrivate["d"] = .string(Base64URL.encode(privateKey.rawRepresentation))
            var foreignKid = p256
            foreignKid["kid"] = "payments:mine"
            var wrongAlg = p256
            wrongAlg["alg"] = "RS256"
            var offCurve = p256
            offCurve["y"] = offCurve["x"]
            let secret32 = Data((0..<32).map { UInt8($0 * 5 + 1) }).base64EncodedString() + "\n"
            let before = try await server.store.client(id: "orders")
            let refused: [([String], String?)] = [
                (["client", "update", "orders", "--signing-jwk", try jwkFile("private.jwk", withPrivate)], nil),
                (["client", "update", "orders", "--signing-jwk", try jwkFile("foreign.jwk", foreignKid)], nil),
                (["client", "update", "orders", "--signing-jwk", try jwkFile("alg.jwk", wrongAlg)], nil),
                (["client", "update", "orders", "--signing-jwk", try jwkFile("curve.jwk", offCurve)], nil),
                (["client", "update", "orders", "--signing-jwk", try jwkFile("oct.jwk", ["kty": "oct", "k": .string(Base64URL.encode(Self.secret))])], nil),
                (["client", "update", "orders", "--signing-jwk", directory + "/missing.jwk"], nil),
                // The id is taken; the secret too short; not base64; for a public client; two readers of stdin.
                (["client", "update", "orders", "--signing-secret-stdin"], secret32),
                (["client", "update", "orders", "--signing-secret-stdin", "--signing-key-id", "orders:short"], Data((0..<31).map { UInt8($0) }).base64EncodedString() + "\n"),
                (["client", "update", "orders", "--signing-secret-stdin", "--signing-key-id", "orders:text"], "not base64 at all!\n"),
                (["client", "update", "orders", "--signing-secret-stdin", "--signing-key-id", "orders:a b"], secret32),
                (["client", "update", "orders", "--signing-secret-stdin", "--signing-key-id", "payments"], secret32),
                (["client", "update", "app", "--signing-secret-stdin", "--signing-key-id", "app"], secret32),
                (["client", "update", "orders", "--secret-stdin", "--signing-secret-stdin"], secret32),
                (["client", "update", "orders", "--remove-signing-key", "orders:none"], nil),
                // Not meant: hex (the client would use other bytes), a stray character, one byte repeated, a kid not a string.
                (["client", "update", "orders", "--signing-secret-stdin", "--signing-key-id", "orders:hex"], String(repeating: "ab", count: 32) + "\n"),
                (["client", "update", "orders", "--signing-secret-stdin", "--signing-key-id", "orders:stray"], Data(Self.secret).base64EncodedString() + "x\n"),
                (["client", "update", "orders", "--signing-secret-stdin", "--signing-key-id", "orders:mixed"], "+-" + Data(Self.secret).base64EncodedString().dropFirst(2) + "\n"),
                (["client", "update", "orders", "--signing-secret-stdin", "--signing-key-id", "orders:zero"], Data(count: 32).base64EncodedString() + "\n"),
                (["client", "update", "orders", "--signing-jwk", try jwkFile("nullkid.jwk", p256.merging(["kid": .null]) { $1 })], nil),
                (["client", "update", "orders", "--signing-key-id", "orders:x"], nil),
            ]
            for (arguments, input) in refused {
                let outcome = try await CommandLineErrorTests.warden(arguments + common, input: input)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.errors.contains("Error:"), "\(arguments): \(outcome.errors)")
            }
            #expect(try await server.store.client(id: "orders") == before)

            // What is allowed: a second key under a label, and replacing a key in one update.
            p256["kid"] = "orders:p"
            let added = try await CommandLineErrorTests.warden(["client", "update", "orders", "--remove-signing-key", "orders", "--signing-secret-stdin",
                                                                "--signing-jwk", try jwkFile("p256.jwk", p256)] + common, input: secret32)
            #expect(added.status == 0, "\(added.errors)")
            let keys = try await server.store.client(id: "orders")?.signingKeys.map(\.id)
            #expect(keys == ["orders:ed", "orders:p", "orders"])
        }
    }

    /// A resource server's key source against the real endpoint: keys found verify signatures and
    /// name their client, unknown ids are remembered, an unreachable server is 503 (not 401).
    @Test func aServiceChecksSignaturesWithTheKeysTheServerHandsIt() async throws {
        try await Self.withRegisteredKeys { server, _, edKey in
            let source = AuthorizationServerSignatureKeys(endpoint: server.baseURL + "/oauth2/signing-keys", clientID: "payments", clientSecret: "payments-secret-0123456789")
            let verifier = HTTPSignatureVerifier(policy: HTTPSignaturePolicy(requiring: [SignatureComponent("@method")]), keys: source)
            for key in [try HTTPSignatureKey.hmacSHA256(id: "orders", secret: Self.secret), edKey] {
                let signer = HTTPRequestSigner(key: key, covering: [SignatureComponent("@method"), SignatureComponent("@target-uri")])
                var request = SignableRequest(method: "POST", targetURI: "https://payments.example/pay", fields: [])
                _ = try signer.sign(&request, body: [UInt8]())
                let verified = try await verifier.verify(request, body: nil)
                #expect(verified.keyID == key.id && verified.clientID == "orders")
            }
            #expect(source.lookupCount == 2)
            // Cached: again without asking.
            _ = try await source.key(id: "orders")
            // An unknown id is asked for once, then remembered.
            #expect(try await source.key(id: "orders:nope") == nil)
            #expect(try await source.key(id: "orders:nope") == nil)
            #expect(source.lookupCount == 3)

            // This service's own credentials wrong, or the server gone: 503, not "unknown key".
            let misconfigured = AuthorizationServerSignatureKeys(endpoint: server.baseURL + "/oauth2/signing-keys", clientID: "payments", clientSecret: "wrong-secret-0123456789")
            await #expect { _ = try await misconfigured.key(id: "orders") } throws: { ($0 as? HTTPSignatureError)?.reason == .keysUnavailable }
            // Port 1 on loopback: nothing listens (connection refused).
            // (async-http-client retries a refused connection until the deadline: a short one.)
            var quick = AuthorizationServerSignatureKeys.Configuration()
            quick.requestTimeout = .milliseconds(500)
            let unreachable = AuthorizationServerSignatureKeys(endpoint: "http://127.0.0.1:1/oauth2/signing-keys", clientID: "payments", clientSecret: "payments-secret-0123456789", configuration: quick)
            do {
                _ = try await unreachable.key(id: "orders")
                Issue.record("an unreachable server must not be read as an unknown key")
            } catch let error as HTTPSignatureError {
                #expect(error.reason == .keysUnavailable)
                let refusal = HTTPSignatureRefusal(error, policy: verifier.policy, realm: "payments")
                #expect(refusal.statusCode == 503)
            }
        }
    }

    /// A lookup of a client id spelled with a canonically equivalent character (KELVIN SIGN for
    /// `K`) must not make the real client look unknown through the server's client cache (found
    /// by a review: it locked the real client out of the token endpoint).
    @Test func anEquivalentSpellingDoesNotHideAClient() async throws {
        // The server's clock stands still: the last request is within the client cache's
        // lifetime however slow the machine (else the test passes without testing anything).
        try await TestServer.run(seed: false, timeSource: ManualTimeSource().timeSource) { server in
            try await server.store.createClient(ClientRecord(id: "Kvc", secretHash: server.server.secretHasher.hash("kvc-secret-0123456789"), grants: [.clientCredentials], scopes: [], audiences: ["api"]))
            try await server.store.createClient(ClientRecord(id: "svc", secretHash: server.server.secretHasher.hash("svc-secret-0123456789"), grants: [], scopes: []))
            let kelvin = "\u{212A}vc"
            #expect(try await server.post("/oauth2/signing-keys", [("key_id", kelvin)], basic: ("svc", "svc-secret-0123456789")).status == 404)
            #expect(try await server.post("/oauth2/token", [("grant_type", "client_credentials"), ("client_id", kelvin), ("client_secret", "kvc-secret-0123456789")]).error == "invalid_client")
            // Within the cache's lifetime: the real client is still found.
            let token = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("Kvc", "kvc-secret-0123456789"))
            #expect(token.status == 200, "\(token)")
        }
    }

    /// Refused by the server (its credentials no longer valid): no key past its lifetime, a
    /// removed key must not live on (found by a review: it lived an hour behind a lockout).
    /// Rate-limited: a known key still serves, an unknown id is 503.
    @Test func aRefusingServerGetsNoStaleKeyAndLookupsAreBounded() async throws {
        try await Self.withRegisteredKeys { server, common, _ in
            var configuration = AuthorizationServerSignatureKeys.Configuration()
            configuration.keyLifetime = .zero
            configuration.maximumLookupsPerSecond = 2
            configuration.failureBackoff = .zero
            // The service's clock moves only when told: the per-second window must not roll
            // over while a loaded machine answers the first lookups (CI saw 4 lookups for 2).
            let clock = ManualTimeSource()
            let source = AuthorizationServerSignatureKeys(endpoint: server.baseURL + "/oauth2/signing-keys", clientID: "payments",
                                                          clientSecret: "payments-secret-0123456789", configuration: configuration,
                                                          timeSource: clock.timeSource)
            #expect(try await source.key(id: "orders") != nil)
            #expect(try await source.key(id: "orders:nope") == nil)
            // The third lookup this second: the known key (past its lifetime) stands in; an unknown id cannot be asked for.
            #expect(try await source.key(id: "orders")?.id == "orders")
            await #expect { _ = try await source.key(id: "orders:other") } throws: { ($0 as? HTTPSignatureError)?.reason == .keysUnavailable }
            #expect(source.lookupCount == 2)
            // Ids no registered key has are unknown without asking.
            #expect(try await source.key(id: "orders:\u{212A}") == nil)
            #expect(try await source.key(id: "orders x") == nil)
            #expect(source.lookupCount == 2)

            clock.advance(by: .milliseconds(1100))
            // This service's client deleted: the server refuses it, and the key it had is not used.
            try await CommandLineTests.run(["client", "delete", "payments"] + common)
            await #expect { _ = try await source.key(id: "orders") } throws: { ($0 as? HTTPSignatureError)?.reason == .keysUnavailable }
            #expect(source.lookupCount == 3)
            // An HMAC secret handed out is in the audit log (who got which, never the secret).
            let audit = try await server.store.auditEvents(limit: 50).filter { $0.event == "signing_key.disclosed" }
            #expect(audit.first?.detail == "secret orders given to payments")
            #expect(!audit.contains { ($0.detail ?? "").contains(Base64URL.encode(Self.secret)) })
        }
    }

    /// A key known before stays in use while the server cannot be reached (up to
    /// `maximumStaleAge`), though its lifetime has ended.
    @Test func aKnownKeyOutlivesAnOutage() async throws {
        var configuration = AuthorizationServerSignatureKeys.Configuration()
        configuration.keyLifetime = .zero
        // The first lookup is real (the server is up) and must succeed on a loaded machine;
        // after the server stops, connections are refused at once anyway.
        configuration.requestTimeout = .seconds(5)
        let source = try await Self.withRegisteredKeys { [configuration] server, _, _ in
            let source = AuthorizationServerSignatureKeys(endpoint: server.baseURL + "/oauth2/signing-keys", clientID: "payments",
                                                          clientSecret: "payments-secret-0123456789", configuration: configuration)
            let key = try await source.key(id: "orders")
            #expect(key?.clientID == "orders")
            return source
        }
        // The server has stopped.
        #expect(try await source.key(id: "orders")?.id == "orders")
        #expect(source.lookupCount == 2)
        await #expect { _ = try await source.key(id: "orders:ed") } throws: { ($0 as? HTTPSignatureError)?.reason == .keysUnavailable }
    }

    /// `signerMustBeTokenClient`: a signature by one client's key with another client's token is refused.
    @Test func theSignerMustBeTheTokensClientWhenRequired() async throws {
        var key = try HTTPSignatureKey.hmacSHA256(id: "orders", secret: Self.secret)
        key.clientID = "orders"
        let requirement = HTTPSignatureRequirement(
            verifier: HTTPSignatureVerifier(policy: HTTPSignaturePolicy(requiring: [SignatureComponent("@method")]), keys: StaticSignatureKeys([key])),
            externalBaseURL: "https://payments.example"
        ).requiringTokenClientAsSigner()
        var request = SignableRequest(method: "POST", targetURI: "https://payments.example/pay", fields: [])
        _ = try HTTPRequestSigner(key: key, covering: [SignatureComponent("@method")]).sign(&request, body: [UInt8]())
        let verified = try await requirement.check(method: "POST", path: "/pay", fields: request.fields) { [] }
        try requirement.checkSigner(verified, tokenClientID: "orders")
        #expect(throws: HTTPSignatureRefusal.self) { try requirement.checkSigner(verified, tokenClientID: "evil") }
        do {
            try requirement.checkSigner(verified, tokenClientID: "evil")
        } catch {
            #expect(error.reason == .signerMismatch && error.statusCode == 401)
        }
        // A key that names no client never passes.
        let anonymousKey = try HTTPSignatureKey.hmacSHA256(id: "orders", secret: Self.secret)
        let anonymous = HTTPSignatureRequirement(
            verifier: HTTPSignatureVerifier(policy: HTTPSignaturePolicy(requiring: [SignatureComponent("@method")]), keys: StaticSignatureKeys([anonymousKey])),
            externalBaseURL: "https://payments.example"
        ).requiringTokenClientAsSigner()
        var second = SignableRequest(method: "POST", targetURI: "https://payments.example/pay", fields: [])
        _ = try HTTPRequestSigner(key: anonymousKey, covering: [SignatureComponent("@method")]).sign(&second, body: [UInt8]())
        let unnamed = try await anonymous.check(method: "POST", path: "/pay", fields: second.fields) { [] }
        #expect(unnamed.clientID == nil)
        #expect(throws: HTTPSignatureRefusal.self) { try anonymous.checkSigner(unnamed, tokenClientID: "orders") }
    }
}
