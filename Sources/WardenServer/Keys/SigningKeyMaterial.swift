import Crypto
import CryptoExtras
import Foundation
import JWTKit
import NIOPosix
public import WardenCore

/// Generating private signing keys and turning them into bytes and back (the bytes are sealed
/// with the ``MasterKey`` before they are stored). Keys are jwt-kit's; serialization is PEM for
/// ECDSA and RSA, the raw 32-byte seed for Ed25519.
public enum SigningKeyMaterial {
    /// Algorithms the server can sign with.
    public static let supported: [SignatureAlgorithm] = [.es256, .eddsa, .rs256]

    /// A new key for `algorithm` with a random `kid`, and its serialization.
    public static func generate(_ algorithm: SignatureAlgorithm) async throws -> (key: SigningKey, serialized: [UInt8]) {
        let id = Base64URL.encode(Array(SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }))
        switch algorithm {
        case .es256:
            let key = ES256PrivateKey()
            return (try await SigningKey.es256(key, id: id), Array(key.pemRepresentation.utf8))
        case .eddsa:
            let backing = Curve25519.Signing.PrivateKey()
            return (await SigningKey.eddsa(EdDSA.PrivateKey(backing: backing), id: id), Array(backing.rawRepresentation))
        case .rs256:
            // 0.1–0.3 s of prime search: on NIO's thread pool, not on a thread that runs tasks
            // (the executables run Swift's tasks on NIO's event loops).
            let backing = try await NIOThreadPool.singleton.runIfActive { try _RSA.Signing.PrivateKey(keySize: .bits2048) }
            let key = try JWTKit.Insecure.RSA.PrivateKey(backing: backing)
            return (try await SigningKey.rsa(key, algorithm: .rs256, id: id), Array(backing.pemRepresentation.utf8))
        default:
            throw KeyConfigurationError("the server does not sign with \(algorithm); use ES256, EdDSA or RS256")
        }
    }

    /// The key stored as `serialized`.
    public static func load(_ algorithm: SignatureAlgorithm, id: String, serialized: [UInt8]) async throws -> SigningKey {
        switch algorithm {
        case .es256:
            return try await SigningKey.es256(ES256PrivateKey(pem: String(decoding: serialized, as: UTF8.self)), id: id)
        case .eddsa:
            let backing = try Curve25519.Signing.PrivateKey(rawRepresentation: serialized)
            return await SigningKey.eddsa(EdDSA.PrivateKey(backing: backing), id: id)
        case .rs256:
            let key = try JWTKit.Insecure.RSA.PrivateKey(pem: String(decoding: serialized, as: UTF8.self))
            return try await SigningKey.rsa(key, algorithm: .rs256, id: id)
        default:
            throw KeyConfigurationError("unsupported stored key algorithm \(algorithm)")
        }
    }
}
