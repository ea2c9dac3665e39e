public import Crypto
public import CryptoExtras
public import Foundation

/// A key that checks (and, holding its private part, makes) HTTP message signatures under one
/// algorithm, known by its `keyid` (RFC 9421 §3.1). The math is swift-crypto's.
public struct HTTPSignatureKey: Sendable {
    public let id: String
    public let algorithm: HTTPSignatureAlgorithm
    let material: Material
    /// The OAuth client this key belongs to, when its source knows (keys registered at the
    /// authorization server, ``HTTPSignatureKeySource``): a verified signature names it, so a
    /// service can check that the signer is the token's client.
    public var clientID: String?

    enum Material: Sendable {
        case hmac(SymmetricKey)
        case ed25519(Curve25519.Signing.PublicKey, Curve25519.Signing.PrivateKey?)
        case p256(P256.Signing.PublicKey, P256.Signing.PrivateKey?)
        case rsaPSS(_RSA.Signing.PublicKey, _RSA.Signing.PrivateKey?)
    }

    /// A shared secret for `hmac-sha256`: at least 32 bytes (RFC 2104 §3: no shorter than the
    /// hash's output, which is what guessing one would cost).
    public static func hmacSHA256(id: String, secret: some DataProtocol) throws(KeyConfigurationError) -> HTTPSignatureKey {
        guard secret.count >= 32 else { throw KeyConfigurationError("an hmac-sha256 signing secret must be at least 32 bytes") }
        return HTTPSignatureKey(id: id, algorithm: .hmacSHA256, material: .hmac(SymmetricKey(data: Array(secret))))
    }

    public static func ed25519(id: String, publicKey: Curve25519.Signing.PublicKey) -> HTTPSignatureKey {
        HTTPSignatureKey(id: id, algorithm: .ed25519, material: .ed25519(publicKey, nil))
    }

    public static func ed25519(id: String, privateKey: Curve25519.Signing.PrivateKey) -> HTTPSignatureKey {
        HTTPSignatureKey(id: id, algorithm: .ed25519, material: .ed25519(privateKey.publicKey, privateKey))
    }

    public static func ecdsaP256SHA256(id: String, publicKey: P256.Signing.PublicKey) -> HTTPSignatureKey {
        HTTPSignatureKey(id: id, algorithm: .ecdsaP256SHA256, material: .p256(publicKey, nil))
    }

    public static func ecdsaP256SHA256(id: String, privateKey: P256.Signing.PrivateKey) -> HTTPSignatureKey {
        HTTPSignatureKey(id: id, algorithm: .ecdsaP256SHA256, material: .p256(privateKey.publicKey, privateKey))
    }

    /// RSA keys under 2048 bits are refused.
    public static func rsaPSSSHA512(id: String, publicKey: _RSA.Signing.PublicKey) throws(KeyConfigurationError) -> HTTPSignatureKey {
        guard publicKey.keySizeInBits >= 2048 else { throw KeyConfigurationError("RSA keys must be at least 2048 bits") }
        return HTTPSignatureKey(id: id, algorithm: .rsaPSSSHA512, material: .rsaPSS(publicKey, nil))
    }

    public static func rsaPSSSHA512(id: String, privateKey: _RSA.Signing.PrivateKey) throws(KeyConfigurationError) -> HTTPSignatureKey {
        guard privateKey.keySizeInBits >= 2048 else { throw KeyConfigurationError("RSA keys must be at least 2048 bits") }
        return HTTPSignatureKey(id: id, algorithm: .rsaPSSSHA512, material: .rsaPSS(privateKey.publicKey, privateKey))
    }

    /// Whether it can sign (holds a private key or the shared secret).
    public var canSign: Bool {
        switch material {
        case .hmac: true
        case .ed25519(_, let key): key != nil
        case .p256(_, let key): key != nil
        case .rsaPSS(_, let key): key != nil
        }
    }

    /// Whether `signature` is this key's over `base` (RFC 9421 §3.3). HMAC is compared in
    /// constant time (swift-crypto's `isValidAuthenticationCode`).
    public func isValidSignature(_ signature: [UInt8], for base: [UInt8]) -> Bool {
        switch material {
        case .hmac(let secret):
            return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: base, using: secret)
        case .ed25519(let key, _):
            return key.isValidSignature(signature, for: base)
        case .p256(let key, _):
            // §3.3.4: r || s, 32 bytes each; DER is not accepted.
            guard signature.count == 64, let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: base))
        case .rsaPSS(let key, _):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA512.hash(data: base), padding: .PSS)
        }
    }

    /// Signs `base` (RFC 9421 §3.1).
    public func sign(_ base: [UInt8]) throws(HTTPSignatureError) -> [UInt8] {
        do {
            switch material {
            case .hmac(let secret):
                return Array(HMAC<SHA256>.authenticationCode(for: base, using: secret))
            case .ed25519(_, let key?):
                return Array(try key.signature(for: base))
            case .p256(_, let key?):
                return Array(try key.signature(for: SHA256.hash(data: base)).rawRepresentation)
            case .rsaPSS(_, let key?):
                return Array(try key.signature(for: SHA512.hash(data: base), padding: .PSS).rawRepresentation)
            default:
                throw HTTPSignatureError(.cannotSign, detail: "key \(id) holds no private key")
            }
        } catch let error as HTTPSignatureError {
            throw error
        } catch {
            throw HTTPSignatureError(.cannotSign, detail: "\(error)")
        }
    }
}
