import Crypto
import CryptoExtras
public import Foundation
public import JWTKit

/// A key that verifies access-token signatures: exactly one `kid` and exactly one algorithm.
///
/// jwt-kit does the signature math; the key is built once through a one-key `JWTKeyCollection`
/// and its algorithm object kept, so a token's header can never pick another algorithm or key.
///
/// Its values live in one object: a key is copied out of its source on every request, and a copy
/// is then one reference count, not one per field and the algorithm's box (issue 16).
public struct VerificationKey: Sendable {
    private final class Storage: Sendable {
        let id: String
        let algorithm: SignatureAlgorithm
        let publicJWK: [String: JSONValue]?
        let check: any JWTAlgorithm
        let fingerprint: UInt64

        init(id: String, algorithm: SignatureAlgorithm, publicJWK: [String: JSONValue]?, check: any JWTAlgorithm) {
            self.id = id
            self.algorithm = algorithm
            self.publicJWK = publicJWK
            self.check = check
            // A public key's RFC 7638 thumbprint, its first 8 bytes; a key without one (HMAC) a
            // random value of its own, so two such keys are never taken for each other.
            if let jwk = publicJWK, let thumbprint = JWKThumbprint.sha256(of: jwk), let bytes = Base64URL.decodeCanonical(Array(thumbprint.utf8)), bytes.count >= 8 {
                fingerprint = bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
            } else {
                fingerprint = UInt64.random(in: .min ... .max)
            }
        }
    }

    private let storage: Storage

    /// The `kid` a token must name exactly.
    public var id: String { storage.id }
    /// The only `alg` this key verifies.
    public var algorithm: SignatureAlgorithm { storage.algorithm }
    /// The public JWK (RFC 7517) for publishing in a JWKS; `nil` for HMAC keys.
    public var publicJWK: [String: JSONValue]? { storage.publicJWK }
    private var check: any JWTAlgorithm { storage.check }
    /// What the key's material is, in 64 bits (issue 16): a cached token is taken from the cache
    /// only while its `kid` names the key material it was verified with — a key set that
    /// republishes a `kid` with other material (a compromised key replaced in place) takes the
    /// tokens verified with the old material with it.
    package var fingerprint: UInt64 { storage.fingerprint }

    init(id: String, algorithm: SignatureAlgorithm, publicJWK: [String: JSONValue]?, check: any JWTAlgorithm) {
        self.storage = Storage(id: id, algorithm: algorithm, publicJWK: publicJWK, check: check)
    }

    /// Whether `signature` is valid for `signingInput` under this key. Malformed signatures
    /// (wrong length, out-of-range values) are simply invalid.
    public func isValidSignature(_ signature: [UInt8], for signingInput: ArraySlice<UInt8>) -> Bool {
        (try? check.verify(signature, signs: signingInput)) ?? false
    }

    // MARK: Constructors, one per key type

    public static func es256(_ key: ES256PublicKey, id: String) async throws(KeyConfigurationError) -> VerificationKey {
        guard let parameters = key.parameters else { throw KeyConfigurationError("EC key has no parameters") }
        let jwk: [String: JSONValue] = [
            "kty": "EC", "crv": "P-256", "x": .string(parameters.x), "y": .string(parameters.y),
            "kid": .string(id), "alg": "ES256", "use": "sig",
        ]
        return VerificationKey(id: id, algorithm: .es256, publicJWK: jwk, check: await algorithm(id) { await $0.add(ecdsa: key, kid: $1) })
    }

    public static func es384(_ key: ES384PublicKey, id: String) async throws(KeyConfigurationError) -> VerificationKey {
        guard let parameters = key.parameters else { throw KeyConfigurationError("EC key has no parameters") }
        let jwk: [String: JSONValue] = [
            "kty": "EC", "crv": "P-384", "x": .string(parameters.x), "y": .string(parameters.y),
            "kid": .string(id), "alg": "ES384", "use": "sig",
        ]
        return VerificationKey(id: id, algorithm: .es384, publicJWK: jwk, check: await algorithm(id) { await $0.add(ecdsa: key, kid: $1) })
    }

    public static func eddsa(_ key: EdDSA.PublicKey, id: String) async -> VerificationKey {
        let jwk: [String: JSONValue] = [
            "kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(key.rawRepresentation)),
            "kid": .string(id), "alg": "EdDSA", "use": "sig",
        ]
        return VerificationKey(id: id, algorithm: .eddsa, publicJWK: jwk, check: await algorithm(id) { await $0.add(eddsa: key, kid: $1) })
    }

    /// An RSA PKCS#1 v1.5 key (RS256/RS384/RS512). Keys under 2048 bits are refused.
    public static func rsa(_ key: JWTKit.Insecure.RSA.PublicKey, algorithm: SignatureAlgorithm = .rs256, id: String) async throws(KeyConfigurationError) -> VerificationKey {
        let digest: DigestAlgorithm
        switch algorithm {
        case .rs256: digest = .sha256
        case .rs384: digest = .sha384
        case .rs512: digest = .sha512
        default: throw KeyConfigurationError("\(algorithm) is not an RSA algorithm")
        }
        guard let primitives = try? key.getKeyPrimitives() else { throw KeyConfigurationError("unreadable RSA key") }
        let modulus = primitives.modulus.drop { $0 == 0 }
        // RFC 7518 §3.3: a key of size 2048 bits or larger MUST be used.
        guard modulus.count * 8 >= 2048 else { throw KeyConfigurationError("RSA keys under 2048 bits are refused") }
        let jwk: [String: JSONValue] = [
            "kty": "RSA", "n": .string(Base64URL.encode(primitives.modulus.drop { $0 == 0 })),
            "e": .string(Base64URL.encode(primitives.publicExponent.drop { $0 == 0 })),
            "kid": .string(id), "alg": .string(algorithm.jwsName), "use": "sig",
        ]
        let check = await Self.algorithm(id) { await $0.add(rsa: key, digestAlgorithm: digest, kid: $1) }
        return VerificationKey(id: id, algorithm: algorithm, publicJWK: jwk, check: check)
    }

    /// An HMAC key (HS256/HS384/HS512). Secrets shorter than 32 bytes are refused (RFC 7518 §3.2
    /// asks for at least the hash size; Warden asks for 32 bytes whatever the hash).
    public static func hmac(secret: some DataProtocol, algorithm: SignatureAlgorithm = .hs256, id: String) async throws(KeyConfigurationError) -> VerificationKey {
        let digest: DigestAlgorithm
        let minimum: Int
        switch algorithm {
        case .hs256: digest = .sha256; minimum = 32
        case .hs384: digest = .sha384; minimum = 48
        case .hs512: digest = .sha512; minimum = 64
        default: throw KeyConfigurationError("\(algorithm) is not an HMAC algorithm")
        }
        guard secret.count >= minimum else {
            throw KeyConfigurationError("HMAC secrets for \(algorithm) must be at least \(minimum) bytes")
        }
        let key = HMACKey(from: Array(secret))
        let check = await Self.algorithm(id) { await $0.add(hmac: key, digestAlgorithm: digest, kid: $1) }
        return VerificationKey(id: id, algorithm: algorithm, publicJWK: nil, check: check)
    }

    /// Builds jwt-kit's algorithm object for one key through a collection that holds only it.
    static func algorithm(
        _ id: String,
        _ add: (JWTKeyCollection, JWKIdentifier) async -> Void
    ) async -> any JWTAlgorithm {
        let collection = JWTKeyCollection()
        let kid = JWKIdentifier(string: id)
        await add(collection, kid)
        // The collection holds exactly the key just added under `kid`; lookup cannot fail.
        return try! await collection.getKey(for: kid)
    }
}
