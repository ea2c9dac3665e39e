import Crypto
import CryptoExtras
import Foundation
import Testing
@testable import WardenCore

/// `Tests/Interop/warden-signed-requests.json`: requests Warden signed, one per algorithm, which
/// `Tests/Interop/signatures.py` verifies with the Python package http-message-signatures. Here:
/// the deterministic ones (hmac-sha256, ed25519) are made again byte for byte, and every one
/// verifies with Warden — so the file is Warden's own output. To write it anew (after a change
/// to what is signed): `WARDEN_WRITE_SIGNATURE_VECTORS=1 swift test --filter SignatureInteropVectorTests`.
@Suite struct SignatureInteropVectorTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Interop/warden-signed-requests.json")
    static let components = [SignatureComponent("@method"), SignatureComponent("@target-uri"), SignatureComponent("content-digest"), SignatureComponent("authorization")]
    static let created = Date(timeIntervalSince1970: Double(RFC9421TestKeys.created))
    static let body = #"{"order_id": "o-1", "amount": 1250}"#
    static let hmacSecret = Array(repeating: UInt8(0x5A), count: 32)

    struct Vector: Codable {
        var alg: String
        var key_id: String
        /// base64url of the shared secret, or the public key in PEM.
        var key: String
        var method: String
        var url: String
        var headers: [[String]]
        var body: String
    }

    static func unsigned() -> SignableRequest {
        SignableRequest(method: "POST", targetURI: "https://payments.example.com/payments?x=1", fields: [("Authorization", "Bearer abc.def.ghi"), ("Content-Type", "application/json")])
    }

    static func vector(_ key: HTTPSignatureKey, publicKey: String) throws -> Vector {
        var request = unsigned()
        _ = try HTTPRequestSigner(key: key, covering: components).sign(&request, body: Array(body.utf8), now: created, nonce: "interop-\(key.algorithm.rawValue)")
        return Vector(alg: key.algorithm.rawValue, key_id: key.id, key: publicKey, method: request.method, url: request.targetURI,
                      headers: request.fields.map { [$0.name, $0.value] }, body: body)
    }

    /// Ed25519's SubjectPublicKeyInfo (RFC 8410 §4): a fixed 12-byte prefix, then the key.
    static func ed25519PEM(_ key: Curve25519.Signing.PublicKey) -> String {
        let der = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00] + Array(key.rawRepresentation)
        return "-----BEGIN PUBLIC KEY-----\n" + Data(der).base64EncodedString() + "\n-----END PUBLIC KEY-----\n"
    }

    static func deterministicVectors() throws -> [Vector] {
        let ed25519 = try RFC9421TestKeys.ed25519()
        guard case .ed25519(let publicKey, _) = ed25519.material else { throw HTTPSignatureError(.cannotSign) }
        return [
            try vector(try HTTPSignatureKey.hmacSHA256(id: "order-service", secret: hmacSecret), publicKey: Base64URL.encode(hmacSecret)),
            try vector(ed25519, publicKey: ed25519PEM(publicKey)),
        ]
    }

    @Test func theVectorsAreWardensOwnAndVerify() async throws {
        if ProcessInfo.processInfo.environment["WARDEN_WRITE_SIGNATURE_VECTORS"] == "1" {
            let p256 = P256.Signing.PrivateKey()
            let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let vectors = try Self.deterministicVectors() + [
                try Self.vector(HTTPSignatureKey.ecdsaP256SHA256(id: "p256-key", privateKey: p256), publicKey: p256.publicKey.pemRepresentation),
                try Self.vector(try HTTPSignatureKey.rsaPSSSHA512(id: "rsa-key", privateKey: rsa), publicKey: rsa.publicKey.pemRepresentation),
            ]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(vectors) + Data("\n".utf8)).write(to: Self.file)
        }
        let vectors = try JSONDecoder().decode([Vector].self, from: Data(contentsOf: Self.file))
        #expect(vectors.map(\.alg) == ["hmac-sha256", "ed25519", "ecdsa-p256-sha256", "rsa-pss-sha512"])
        // The deterministic ones: the same bytes as Warden makes now.
        let made = try Self.deterministicVectors()
        for (committed, fresh) in zip(vectors, made) {
            #expect(committed.headers == fresh.headers, "\(committed.alg)")
        }
        // Every one verifies with Warden.
        for vector in vectors {
            let key: HTTPSignatureKey
            switch vector.alg {
            case "hmac-sha256": key = try HTTPSignatureKey.hmacSHA256(id: vector.key_id, secret: try #require(Base64URL.decodeCanonical(Array(vector.key.utf8))))
            case "ed25519":
                let der = try #require(Data(base64Encoded: String(vector.key.split(separator: "\n")[1])))
                key = HTTPSignatureKey.ed25519(id: vector.key_id, publicKey: try Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32)))
            case "ecdsa-p256-sha256": key = HTTPSignatureKey.ecdsaP256SHA256(id: vector.key_id, publicKey: try P256.Signing.PublicKey(pemRepresentation: vector.key))
            default: key = try HTTPSignatureKey.rsaPSSSHA512(id: vector.key_id, publicKey: try _RSA.Signing.PublicKey(pemRepresentation: vector.key))
            }
            let request = SignableRequest(method: vector.method, targetURI: vector.url, fields: vector.headers.map { (name: $0[0], value: $0[1]) })
            var policy = HTTPSignaturePolicy(requiring: Self.components)
            policy.maximumAge = .seconds(100 * 365 * 86_400)
            let verifier = HTTPSignatureVerifier(policy: policy, keys: StaticSignatureKeys([key]))
            #expect(try await verifier.verify(request, body: Array(vector.body.utf8)).algorithm.rawValue == vector.alg)
        }
    }
}
