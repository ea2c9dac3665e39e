import Crypto
import CryptoExtras
public import Foundation
public import JWTKit

/// A private key that signs access tokens, with its `kid`, its one algorithm and the matching
/// ``VerificationKey``. The math is jwt-kit's.
public struct SigningKey: Sendable {
    public let id: String
    public let algorithm: SignatureAlgorithm
    /// The public half, for a key set or a published JWKS.
    public let verificationKey: VerificationKey
    private let signer: any JWTAlgorithm

    private init(verificationKey: VerificationKey, signer: any JWTAlgorithm) {
        self.id = verificationKey.id
        self.algorithm = verificationKey.algorithm
        self.verificationKey = verificationKey
        self.signer = signer
    }

    /// Signs `input` (the JWS signing input).
    public func sign(_ input: [UInt8]) throws -> [UInt8] { try signer.sign(input) }

    public static func es256(_ key: ES256PrivateKey, id: String) async throws(KeyConfigurationError) -> SigningKey {
        let verificationKey = try await VerificationKey.es256(key.publicKey, id: id)
        let signer = await VerificationKey.algorithm(id) { await $0.add(ecdsa: key, kid: $1) }
        return SigningKey(verificationKey: verificationKey, signer: signer)
    }

    public static func eddsa(_ key: EdDSA.PrivateKey, id: String) async -> SigningKey {
        let verificationKey = await VerificationKey.eddsa(key.publicKey, id: id)
        let signer = await VerificationKey.algorithm(id) { await $0.add(eddsa: key, kid: $1) }
        return SigningKey(verificationKey: verificationKey, signer: signer)
    }

    public static func rsa(_ key: JWTKit.Insecure.RSA.PrivateKey, algorithm: SignatureAlgorithm = .rs256, id: String) async throws(KeyConfigurationError) -> SigningKey {
        let verificationKey = try await VerificationKey.rsa(key.publicKey, algorithm: algorithm, id: id)
        let digest: DigestAlgorithm = algorithm == .rs512 ? .sha512 : algorithm == .rs384 ? .sha384 : .sha256
        let signer = await VerificationKey.algorithm(id) { await $0.add(rsa: key, digestAlgorithm: digest, kid: $1) }
        return SigningKey(verificationKey: verificationKey, signer: signer)
    }

    public static func hmac(secret: some DataProtocol, algorithm: SignatureAlgorithm = .hs256, id: String) async throws(KeyConfigurationError) -> SigningKey {
        let verificationKey = try await VerificationKey.hmac(secret: secret, algorithm: algorithm, id: id)
        let digest: DigestAlgorithm = algorithm == .hs512 ? .sha512 : algorithm == .hs384 ? .sha384 : .sha256
        let key = HMACKey(from: Array(secret))
        let signer = await VerificationKey.algorithm(id) { await $0.add(hmac: key, digestAlgorithm: digest, kid: $1) }
        return SigningKey(verificationKey: verificationKey, signer: signer)
    }

    /// A fresh Ed25519 key (EdDSA) with a random `kid`.
    public static func generateEdDSA(id: String? = nil) async -> SigningKey {
        let id = id ?? Base64URL.encode(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
        return await eddsa(EdDSA.PrivateKey(backing: Curve25519.Signing.PrivateKey()), id: id)
    }

    /// A fresh ES256 key (Warden's default algorithm) with a random `kid`.
    public static func generateES256(id: String? = nil) async -> SigningKey {
        let id = id ?? Base64URL.encode(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
        // A freshly generated P-256 key always has parameters.
        return try! await es256(ES256PrivateKey(), id: id)
    }
}
