import Crypto
import CryptoExtras
import Foundation
import JWTKit
import Testing
import WardenCore
import WardenTesting

@Suite struct KeyPolicyTests {
    @Test func refusesShortHMACSecrets() async throws {
        await #expect(throws: KeyConfigurationError.self) { try await VerificationKey.hmac(secret: [UInt8](repeating: 1, count: 31), id: "k") }
        await #expect(throws: KeyConfigurationError.self) { try await VerificationKey.hmac(secret: [UInt8](repeating: 1, count: 40), algorithm: .hs512, id: "k") }
        _ = try await VerificationKey.hmac(secret: [UInt8](repeating: 1, count: 32), id: "k")
    }

    @Test func refusesHMACWithANonHMACAlgorithm() async {
        await #expect(throws: KeyConfigurationError.self) { try await VerificationKey.hmac(secret: [UInt8](repeating: 1, count: 64), algorithm: .es256, id: "k") }
    }

    @Test func refusesRSAKeysUnder2048Bits() async throws {
        // A 1024-bit modulus (leading bit set) and e = 65537.
        let modulus = Base64URL.encode([0xC0] + [UInt8](repeating: 0x5B, count: 127))
        let key = try? JWTKit.Insecure.RSA.PublicKey(modulus: modulus, exponent: "AQAB")
        if let key {
            await #expect(throws: KeyConfigurationError.self) { try await VerificationKey.rsa(key, id: "k") }
        }
        // Either jwt-kit or Warden refuses it; through a JWKS it is skipped.
        let jwks = #"{"keys":[{"kty":"RSA","kid":"k","alg":"RS256","n":"\#(modulus)","e":"AQAB"}]}"#
        let parsed = try await JSONWebKeySet.parse(Array(jwks.utf8))
        #expect(parsed.keys.isEmpty)
    }

    @Test func refusesDuplicateKeyIDsInAStaticSet() async throws {
        let a = await SigningKey.generateES256(id: "same")
        let b = await SigningKey.generateES256(id: "same")
        #expect(throws: KeyConfigurationError.self) { try StaticKeySet([a.verificationKey, b.verificationKey]) }
    }

    @Test func verifiesEdDSARS256AndHS256Tokens() async throws {
        let keys: [SigningKey] = [
            await SigningKey.eddsa(try EdDSA.PrivateKey(curve: .ed25519), id: "ed"),
            try await SigningKey.rsa(JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048)), id: "rsa"),
            try await SigningKey.hmac(secret: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }, id: "mac"),
        ]
        for key in keys {
            let issuer = await TestTokenIssuer(signingKey: key)
            let verified = try await issuer.verifier().verify(try issuer.token(scope: ["me"]))
            #expect(verified.algorithm == key.algorithm)
            #expect(verified.keyID == key.id)
        }
    }

    @Test func jwksKeysCarryTheirOwnAlgorithm() async throws {
        let signing = await SigningKey.generateES256(id: "k1")
        var jwk = signing.verificationKey.publicJWK!
        jwk["alg"] = "RS256"
        let mismatched = try await JSONWebKeySet.parse(JSONValue.object(["keys": .array([.object(jwk)])]).serialized())
        #expect(mismatched.keys.isEmpty)

        jwk["alg"] = nil
        let inferred = try await JSONWebKeySet.parse(JSONValue.object(["keys": .array([.object(jwk)])]).serialized())
        #expect(inferred.keys.first?.algorithm == .es256)
    }

    @Test func jwksRefusesSymmetricEncryptionAndKeylessEntries() async throws {
        let document = #"""
            {"keys":[
              {"kty":"oct","kid":"mac","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"},
              {"kty":"EC","crv":"P-256","use":"enc","kid":"enc","x":"AA","y":"AA"},
              {"kty":"EC","crv":"P-256","x":"AA","y":"AA"},
              {"kty":"EC","crv":"P-256","kid":"bad-point","x":"AA","y":"AA"},
              "junk"
            ]}
            """#
        let parsed = try await JSONWebKeySet.parse(Array(document.utf8))
        #expect(parsed.keys.isEmpty)
        #expect(parsed.skipped.count == 5)
        await #expect(throws: JSONWebKeySet.Failure.self) { try await JSONWebKeySet.parse(Array(#"{"keys":1}"#.utf8)) }
        await #expect(throws: JSONWebKeySet.Failure.self) { try await JSONWebKeySet.parse(Array(#"{"keys":[],"keys":[]}"#.utf8)) }
    }
}
