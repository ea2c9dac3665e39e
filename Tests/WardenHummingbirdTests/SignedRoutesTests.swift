import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WardenCore
import WardenHummingbird
import WardenTesting

/// Routes requiring signed requests (RFC 9421) on Hummingbird: the token first, then the
/// signature (with the body against its Content-Digest), then the scopes.
@Suite struct SignedRoutesTests {
    static let base = "https://payments.example.com"
    static let secret = Array(repeating: UInt8(7), count: 32)

    struct Setup {
        let issuer: TestTokenIssuer
        let key: HTTPSignatureKey
        let app: Application<RouterResponder<TestContext>>
    }

    func setup(policy: HTTPSignaturePolicy = .methodTargetDigestAndAuthorization, signerMustBeTokenClient: Bool = false, refusals: RecordedRefusals? = nil) async throws -> Setup {
        let issuer = await TestTokenIssuer()
        var key = try HTTPSignatureKey.hmacSHA256(id: "order-service", secret: Self.secret)
        key.clientID = "order-service"
        let verifier = HTTPSignatureVerifier(policy: policy, keys: StaticSignatureKeys([key]))
        var requirement = HTTPSignatureRequirement(verifier: verifier, externalBaseURL: Self.base, realm: "payments")
        requirement.signerMustBeTokenClient = signerMustBeTokenClient
        requirement.refusals = refusals
        let router = Router(context: TestContext.self)
        let authenticator = BearerAuthenticator(verifier: issuer.verifier(), configuration: .init(realm: "payments"), context: TestContext.self)
        router.protected("payments", by: authenticator, requiring: .allOf("payment.create")).requiringSignature(requirement)
            .post { request, _, auth in
                // The body was read for its digest and is still the handler's.
                var request = request
                let body = try await request.collectBody(upTo: 1024)
                return "\(auth.subject) paid \(String(buffer: body))"
            }
        return Setup(issuer: issuer, key: key, app: Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))))
    }

    /// The fields of a request to `/payments` signed with `key` (after `Authorization` is set).
    func signed(token: String, body: String, key: HTTPSignatureKey, covering: [SignatureComponent] = HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents) throws -> HTTPFields {
        var request = SignableRequest(method: "POST", targetURI: Self.base + "/payments", fields: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")])
        _ = try HTTPRequestSigner(key: key, covering: covering).sign(&request, body: Array(body.utf8))
        var fields = HTTPFields()
        for field in request.fields { fields.append(HTTPField(name: HTTPField.Name(field.name)!, value: field.value)) }
        return fields
    }

    @Test func aSignedRequestPassesAndItsBodyReachesTheHandler() async throws {
        let setup = try await setup()
        let token = try setup.issuer.token(subject: "alice", scope: ["payment.create"])
        try await setup.app.test(.router) { client in
            let body = #"{"amount": 1250}"#
            let headers = try signed(token: token, body: body, key: setup.key)
            try await client.execute(uri: "/payments", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"alice paid {"amount": 1250}"#)
            }
            // The same request again: a replay.
            try await client.execute(uri: "/payments", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("used before"))
            }
        }
    }

    /// `signerMustBeTokenClient`: the key's client must be the token's `client_id`.
    @Test func theSignerMustBeTheTokensClient() async throws {
        let refusals = RecordedRefusals()
        let setup = try await setup(signerMustBeTokenClient: true, refusals: refusals)
        let own = try setup.issuer.token(subject: "alice", scope: ["payment.create"], clientID: "order-service")
        let others = try setup.issuer.token(subject: "alice", scope: ["payment.create"], clientID: "evil-service")
        try await setup.app.test(.router) { client in
            try await client.execute(uri: "/payments", method: .post, headers: try signed(token: own, body: "{}", key: setup.key), body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/payments", method: .post, headers: try signed(token: others, body: "{}", key: setup.key), body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Signature realm="payments", error="invalid_signature""#)
                #expect(String(buffer: response.body).contains("not signed by the client the access token was issued to"))
            }
        }
        // Reported (issue 14) under the token's client.
        #expect(refusals.all == [AccessRefusal(kind: .invalidSignature, reason: "signerMismatch", clientID: "evil-service", at: refusals.all.first?.at ?? Date())])
    }

    @Test func aTamperedOrMissingSignatureIs401WithAcceptSignature() async throws {
        let refusals = RecordedRefusals()
        let setup = try await setup(refusals: refusals)
        let token = try setup.issuer.token(subject: "alice", scope: ["payment.create"])
        let accept = #"sig1=("@method" "@target-uri" "content-digest" "authorization")"#
        try await setup.app.test(.router) { client in
            func send(_ headers: HTTPFields, body: String) async throws -> (HTTPResponse.Status, HTTPFields, String) {
                try await client.execute(uri: "/payments", method: .post, headers: headers, body: ByteBuffer(string: body)) { ($0.status, $0.headers, String(buffer: $0.body)) }
            }
            // Unsigned.
            let (status, headers, body) = try await send([.authorization: "Bearer \(token)"], body: "{}")
            #expect(status == .unauthorized)
            #expect(headers[HTTPField.Name("Accept-Signature")!] == accept)
            #expect(headers[.wwwAuthenticate] == #"Signature realm="payments", error="invalid_signature""#)
            #expect(body.contains(#""error":"invalid_signature""#))
            // The amount changed after signing: the digest no longer matches.
            let signedHeaders = try signed(token: token, body: #"{"amount": 1}"#, key: setup.key)
            #expect(try await send(signedHeaders, body: #"{"amount": 1000000}"#).0 == .unauthorized)
            // Signed by someone else's secret under the same key id.
            let forger = try HTTPSignatureKey.hmacSHA256(id: "order-service", secret: Array(repeating: UInt8(8), count: 32))
            #expect(try await send(try signed(token: token, body: "{}", key: forger), body: "{}").0 == .unauthorized)
            // Covering less than required.
            let partial = try signed(token: token, body: "{}", key: setup.key, covering: [SignatureComponent("@method")])
            let (partialStatus, _, partialBody) = try await send(partial, body: "{}")
            #expect(partialStatus == .unauthorized)
            #expect(partialBody.contains("does not cover"))
            // An unsigned 2 MiB body: refused for its missing signature, never read (no 413).
            let (bigStatus, bigHeaders, _) = try await send([.authorization: "Bearer \(token)"], body: String(repeating: "a", count: 2 << 20))
            #expect(bigStatus == .unauthorized)
            #expect(bigHeaders[HTTPField.Name("Accept-Signature")!] == accept)
            // A signed one too large: 413 after the signature held.
            let large = String(repeating: "a", count: 2 << 20)
            #expect(try await send(try signed(token: token, body: large, key: setup.key), body: large).0 == .contentTooLarge)
            // Nothing secret in any answer.
            #expect(!body.contains(token) && !partialBody.contains(token))
            // Each refusal reported (issue 14) with the check that failed; the 413 is no refusal.
            #expect(refusals.all.map(\.reason) == ["missingSignature", "digestMismatch", "badSignature", "insufficientCoverage", "missingSignature"])
            #expect(refusals.all.allSatisfy { $0.kind == .invalidSignature && $0.tokenID == nil })
        }
    }

    @Test func theTokenComesFirstAndTheScopesLast() async throws {
        let setup = try await setup()
        let narrow = try setup.issuer.token(subject: "alice", scope: ["payment.read"])
        try await setup.app.test(.router) { client in
            // No token: the bearer challenge, whatever the signature.
            try await client.execute(uri: "/payments", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            // A valid signature, a token without the scope: 403.
            let headers = try signed(token: narrow, body: "{}", key: setup.key)
            try await client.execute(uri: "/payments", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .forbidden)
            }
        }
    }
}
