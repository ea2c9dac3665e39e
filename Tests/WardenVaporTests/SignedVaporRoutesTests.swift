import Foundation
import Testing
import Vapor
import VaporTesting
import WardenCore
import WardenTesting
import WardenVapor

/// Signed requests (RFC 9421) on Vapor: the same order and answers as on Hummingbird.
@Suite struct SignedVaporRoutesTests {
    static let base = "https://payments.example.com"

    @Test func aSignedRequestPassesAndAChangedOneIsRefused() async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "payment-service")
        let key = try HTTPSignatureKey.hmacSHA256(id: "order-service", secret: Array(repeating: UInt8(9), count: 32))
        let requirement = HTTPSignatureRequirement(
            verifier: HTTPSignatureVerifier(policy: .methodTargetDigestAndAuthorization, keys: StaticSignatureKeys([key])),
            externalBaseURL: Self.base, realm: "payments"
        )
        let token = try issuer.token(subject: "alice", scope: ["payment.create"])
        let narrow = try issuer.token(subject: "alice", scope: ["payment.read"])
        func signed(_ token: String, body: String) throws -> HTTPHeaders {
            var request = SignableRequest(method: "POST", targetURI: Self.base + "/payments", fields: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")])
            _ = try HTTPRequestSigner(key: key, covering: HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents).sign(&request, body: Array(body.utf8))
            return HTTPHeaders(request.fields.map { ($0.name, $0.value) })
        }
        try await withApp(configure: { app in
            let bearer = BearerMiddleware(verifier: issuer.verifier(), configuration: .init(realm: "payments"))
            app.protected(by: bearer, requiring: .allOf("payment.create")).requiringSignature(requirement).grouped("payments")
                .post { request, auth in "\(auth.subject) paid \(request.body.string ?? "")" }
        }) { app in
            let tester = try app.testing()
            let body = #"{"amount": 1250}"#
            try await tester.test(.POST, "payments", headers: try signed(token, body: body), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                #expect(response.body.string == #"alice paid {"amount": 1250}"#)
            }
            try await tester.test(.POST, "payments", headers: try signed(token, body: body), body: ByteBuffer(string: #"{"amount": 9}"#)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers.first(name: "Accept-Signature") == #"sig1=("@method" "@target-uri" "content-digest" "authorization")"#)
                #expect(response.body.string.contains("invalid_signature"))
            }
            try await tester.test(.POST, "payments", headers: ["Authorization": "Bearer \(token)"], body: ByteBuffer(string: body)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers.first(name: .wwwAuthenticate) == #"Signature realm="payments", error="invalid_signature""#)
            }
            // No token: the bearer challenge; a valid signature without the scope: 403.
            try await tester.test(.POST, "payments", body: ByteBuffer(string: body)) { response in
                #expect(response.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
            }
            try await tester.test(.POST, "payments", headers: try signed(narrow, body: body), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    /// `requiringTokenClientAsSigner()`: the key's client must be the token's (as on Hummingbird).
    @Test func theSignerMustBeTheTokensClient() async throws {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "payment-service")
        var key = try HTTPSignatureKey.hmacSHA256(id: "order-service", secret: Array(repeating: UInt8(9), count: 32))
        key.clientID = "order-service"
        let requirement = HTTPSignatureRequirement(
            verifier: HTTPSignatureVerifier(policy: .methodTargetDigestAndAuthorization, keys: StaticSignatureKeys([key])),
            externalBaseURL: Self.base, realm: "payments"
        ).requiringTokenClientAsSigner()
        func signed(_ token: String) throws -> HTTPHeaders {
            var request = SignableRequest(method: "POST", targetURI: Self.base + "/payments", fields: [("Authorization", "Bearer \(token)")])
            _ = try HTTPRequestSigner(key: key, covering: HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents).sign(&request, body: Array("{}".utf8))
            return HTTPHeaders(request.fields.map { ($0.name, $0.value) })
        }
        try await withApp(configure: { app in
            let bearer = BearerMiddleware(verifier: issuer.verifier(), configuration: .init(realm: "payments"))
            app.protected(by: bearer, requiring: .allOf("payment.create")).requiringSignature(requirement).grouped("payments")
                .post { _, auth in "\(auth.subject) paid" }
        }) { app in
            let tester = try app.testing()
            let own = try issuer.token(subject: "alice", scope: ["payment.create"], clientID: "order-service")
            let others = try issuer.token(subject: "alice", scope: ["payment.create"], clientID: "evil-service")
            try await tester.test(.POST, "payments", headers: try signed(own), body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .ok)
            }
            try await tester.test(.POST, "payments", headers: try signed(others), body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.body.string.contains("not signed by the client the access token was issued to"))
            }
        }
    }
}
