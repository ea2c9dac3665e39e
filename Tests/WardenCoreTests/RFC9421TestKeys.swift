import Crypto
import CryptoExtras
import Foundation
@testable import WardenCore

/// RFC 9421 Appendix B.1's test keys and B.2's test request, as the RFC prints them.
enum RFC9421TestKeys {
    /// B.1.2 `test-key-rsa-pss` (public part: its private key is a PSS-only PKCS #8 key).
    static let rsaPSSPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
        +QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
        oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
        gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
        Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
        aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
        2wIDAQAB
        -----END PUBLIC KEY-----
        """

    /// B.1.3 `test-key-ecc-p256`.
    static let p256PrivatePEM = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIFKbhfNZfpDsW43+0+JjUr9K+bTeuxopu653+hBaXGA7oAoGCCqGSM49
        AwEHoUQDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lfw0EkjqF7xB4FivAxzic30tMM
        4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
        -----END EC PRIVATE KEY-----
        """

    /// B.1.4 `test-key-ed25519`: PKCS #8 and SPKI DER, whose last 32 bytes are the key.
    static let ed25519PrivateDER = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF"
    static let ed25519PublicDER = "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs="

    /// B.1.5 `test-shared-secret`.
    static let sharedSecret = "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ=="

    static func rsaPSS() throws -> HTTPSignatureKey {
        try HTTPSignatureKey.rsaPSSSHA512(id: "test-key-rsa-pss", publicKey: _RSA.Signing.PublicKey(pemRepresentation: rsaPSSPublicPEM))
    }

    static func p256() throws -> HTTPSignatureKey {
        HTTPSignatureKey.ecdsaP256SHA256(id: "test-key-ecc-p256", privateKey: try P256.Signing.PrivateKey(pemRepresentation: p256PrivatePEM))
    }

    static func ed25519() throws -> HTTPSignatureKey {
        let seed = Data(base64Encoded: ed25519PrivateDER)!.suffix(32)
        return HTTPSignatureKey.ed25519(id: "test-key-ed25519", privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
    }

    static func ed25519Public() throws -> HTTPSignatureKey {
        let raw = Data(base64Encoded: ed25519PublicDER)!.suffix(32)
        return HTTPSignatureKey.ed25519(id: "test-key-ed25519", publicKey: try Curve25519.Signing.PublicKey(rawRepresentation: raw))
    }

    static func hmac() throws -> HTTPSignatureKey {
        try HTTPSignatureKey.hmacSHA256(id: "test-shared-secret", secret: Data(base64Encoded: sharedSecret)!)
    }

    /// B.2's request: `POST /foo?param=Value&Pet=dog` to example.com with `{"hello": "world"}`.
    static func request(adding fields: [(String, String)] = []) -> SignableRequest {
        SignableRequest(method: "POST", targetURI: "https://example.com/foo?param=Value&Pet=dog", fields: [
            ("Host", "example.com"),
            ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
            ("Content-Type", "application/json"),
            ("Content-Digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"),
            ("Content-Length", "18"),
        ] + fields.map { (name: $0.0, value: $0.1) })
    }

    static let body = Array(#"{"hello": "world"}"#.utf8)
    static let created = 1_618_884_473
}
