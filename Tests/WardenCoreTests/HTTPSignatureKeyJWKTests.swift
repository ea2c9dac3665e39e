import Crypto
import CryptoExtras
import Foundation
import Testing
@testable import WardenCore

/// Request-signing keys from JSON Web Keys (RFC 7517/7518/8037) and back: what a client
/// registers with `--signing-jwk` and what the authorization server hands to services.
@Suite struct HTTPSignatureKeyJWKTests {
    typealias Keys = RFC9421TestKeys

    /// RFC 9421 B.1.4 gives test-key-ed25519 as a JWK too: read from it, it checks B.2.6's signature.
    @Test func rfc9421sEd25519JWKChecksItsExampleSignature() async throws {
        let jwk: [String: JSONValue] = ["kty": "OKP", "crv": "Ed25519", "kid": "test-key-ed25519", "x": "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs"]
        let key = try HTTPSignatureKey.jwk(jwk, id: "test-key-ed25519")
        let input = #"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#
        let signature = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="
        let request = Keys.request(adding: [("Signature-Input", input), ("Signature", "sig-b26=:\(signature):")])
        let verifier = HTTPSignatureVerifier(policy: HTTPSignaturePolicy(requiring: []), keys: StaticSignatureKeys([key]), timeSource: .fixed(Date(timeIntervalSince1970: Double(Keys.created))))
        _ = try await verifier.verify(request, body: nil)
        #expect(key.canSign == false)
        #expect(key.publicJWK?["x"] == jwk["x"])
    }

    /// Each public key: its JWK read back is the same key (it checks what the private key signs).
    @Test func publicJWKsRoundTrip() throws {
        let rsa = try HTTPSignatureKey.rsaPSSSHA512(id: "r", privateKey: try _RSA.Signing.PrivateKey(keySize: .bits2048))
        for key in [try Keys.ed25519(), try Keys.p256(), rsa] {
            let jwk = try #require(key.publicJWK)
            #expect(jwk["d"] == nil && jwk["kid"]?.stringValue == key.id)
            let back = try HTTPSignatureKey.jwk(jwk, id: key.id)
            #expect(back.algorithm == key.algorithm)
            let base = Array("the signature base".utf8)
            #expect(back.isValidSignature(try key.sign(base), for: base))
            #expect(!back.isValidSignature(try key.sign(base), for: base + [0]))
            // The same thumbprint as what DPoP computes (RFC 7638).
            #expect(JWKThumbprint.sha256(of: back.publicJWK!) == JWKThumbprint.sha256(of: jwk))
        }
        #expect(try Keys.hmac().publicJWK == nil)
    }

    @Test func aSecretIsTakenOnlyWhereAsked() throws {
        let oct: [String: JSONValue] = ["kty": "oct", "k": .string(Base64URL.encode([UInt8](repeating: 9, count: 32)))]
        #expect(throws: KeyConfigurationError.self) { try HTTPSignatureKey.jwk(oct, id: "s") }
        #expect(try HTTPSignatureKey.jwk(oct, id: "s", allowingSecret: true).algorithm == .hmacSHA256)
        var short = oct
        short["k"] = .string(Base64URL.encode([UInt8](repeating: 9, count: 31)))
        #expect(throws: KeyConfigurationError.self) { try HTTPSignatureKey.jwk(short, id: "s", allowingSecret: true) }
    }

    @Test func hostileJWKsAreRefused() throws {
        let p256 = try #require(try Keys.p256().publicJWK)
        let ed = try #require(try Keys.ed25519().publicJWK)
        func with(_ jwk: [String: JSONValue], _ changes: [String: JSONValue?]) -> [String: JSONValue] {
            var changed = jwk
            for (name, value) in changes { changed[name] = value }
            return changed
        }
        let small = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024)).publicKey.getKeyPrimitives()
        let hostile: [[String: JSONValue]] = [
            with(p256, ["d": "AAAA"]),                               // a private member
            with(ed, ["d": .string(Base64URL.encode([UInt8](repeating: 1, count: 32)))]),
            with(p256, ["alg": "ES384"]),                            // alg not the key's
            with(p256, ["alg": "none"]),
            with(p256, ["use": "enc"]),
            with(p256, ["crv": "P-384"]),
            with(p256, ["y": p256["x"]]),                            // not on the curve
            with(p256, ["x": "not base64!"]),
            with(p256, ["x": .string(Base64URL.encode([UInt8](repeating: 1, count: 33)))]),
            with(p256, ["x": nil]),
            with(p256, ["x": .number(1)]),
            with(ed, ["crv": "Ed448"]),
            with(ed, ["x": .string(Base64URL.encode([UInt8](repeating: 1, count: 31)))]),
            ["kty": "RSA", "n": .string(Base64URL.encode(small.modulus)), "e": .string(Base64URL.encode(small.publicExponent))],  // 1024 bits
            ["kty": "RSA", "n": .string(Base64URL.encode([0] + small.modulus)), "e": "AQAB"],                                     // leading zero
            ["kty": "oct", "k": .string(Base64URL.encode([UInt8](repeating: 9, count: 64)))],                                   // a secret, not asked for
            ["kty": "PQC"],
            [:],
        ]
        for jwk in hostile {
            #expect(throws: KeyConfigurationError.self, "\(jwk)") { try HTTPSignatureKey.jwk(jwk, id: "k") }
        }
    }

    /// Ed25519 keys of small order verify forged signatures (found by a review: R = B, S = 1
    /// passed under the identity point); they, and non-canonical encodings, are refused.
    @Test func weakEd25519KeysAreRefused() throws {
        #expect(HTTPSignatureKey.smallOrderEd25519Encodings.count == 14)
        var weak = Array(HTTPSignatureKey.smallOrderEd25519Encodings)
        // y = p + 2, not canonical (a second encoding of the point with y = 2).
        weak.append([0xEF] + [UInt8](repeating: 0xFF, count: 30) + [0x7F])
        for x in weak {
            let jwk: [String: JSONValue] = ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(x))]
            #expect(throws: KeyConfigurationError.self, "\(x)") { try HTTPSignatureKey.jwk(jwk, id: "k") }
        }
        // The identity point does verify the forgery, which is why it is refused.
        let identity = try Curve25519.Signing.PublicKey(rawRepresentation: [1] + [UInt8](repeating: 0, count: 31))
        let basePoint: [UInt8] = stride(from: 0, to: 64, by: 2).map { UInt8("5866666666666666666666666666666666666666666666666666666666666666".dropFirst($0).prefix(2), radix: 16)! }
        let forged = basePoint + [1] + [UInt8](repeating: 0, count: 31)
        #expect(identity.isValidSignature(forged, for: Array("pay 999999".utf8)))
        // A real key is not weak.
        #expect(!HTTPSignatureKey.isWeakEd25519Key(Array(try Keys.ed25519Public().publicJWK!["x"]!.stringValue!.utf8).isEmpty ? [] : Base64URL.decodeCanonical(try Keys.ed25519Public().publicJWK!["x"]!.stringValue!.utf8)!))
    }
}
