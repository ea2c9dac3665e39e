public import WardenCore

/// A key a client signs its requests with (HTTP Message Signatures, RFC 9421), registered at
/// the authorization server so that the services it calls can learn it (``ClientSigningKeyService``):
/// a public key as its public JWK, or an `hmac-sha256` secret sealed with the master key (as
/// the server's own signing keys are).
///
/// Its id is the `keyid` the client signs with: the client's id, or the client's id, `:` and
/// a label (`order-service`, `order-service:2026-12`). Client ids contain no `:`, so a key id
/// names its client, and two clients' keys can never share an id.
public struct ClientSigningKey: Sendable, Hashable {
    public enum Material: Sendable, Hashable {
        /// The public JWK's members (``HTTPSignatureKey/publicJWK``).
        case publicJWK([String: JSONValue])
        /// AES-GCM sealed box of the secret (``MasterKey/seal(_:context:)``, context
        /// ``sealingContext``).
        case sealedSecret([UInt8])
    }

    public var id: String
    public var algorithm: HTTPSignatureAlgorithm
    public var material: Material

    public init(id: String, algorithm: HTTPSignatureAlgorithm, material: Material) {
        self.id = id
        self.algorithm = algorithm
        self.material = material
    }

    /// A public key, kept as its public JWK.
    /// - Precondition: `key` is not an HMAC secret.
    public init(publicKey key: HTTPSignatureKey) {
        guard let jwk = key.publicJWK else { preconditionFailure("an HMAC secret has no public JWK") }
        self.init(id: key.id, algorithm: key.algorithm, material: .publicJWK(jwk))
    }

    /// An `hmac-sha256` secret (at least 32 bytes), sealed with `masterKey`.
    public static func sealing(secret: [UInt8], id: String, with masterKey: MasterKey) throws -> ClientSigningKey {
        _ = try HTTPSignatureKey.hmacSHA256(id: id, secret: secret)
        return ClientSigningKey(id: id, algorithm: .hmacSHA256, material: .sealedSecret(try masterKey.seal(secret, context: sealingContext(id))))
    }

    /// Bound into the sealed box: a sealed secret moved to another key id does not open.
    static func sealingContext(_ id: String) -> String { "client signing secret \(id)" }

    /// The key to check signatures with (the secret opened).
    public func verificationKey(opening masterKey: MasterKey) throws -> HTTPSignatureKey {
        var key: HTTPSignatureKey
        switch material {
        case .publicJWK(let jwk): key = try HTTPSignatureKey.jwk(jwk, id: id)
        case .sealedSecret(let sealed): key = try HTTPSignatureKey.hmacSHA256(id: id, secret: try masterKey.open(sealed, context: Self.sealingContext(id)))
        }
        guard key.algorithm == algorithm else { throw KeyConfigurationError("stored key \(id) is not \(algorithm.rawValue)") }
        return key
    }

    /// The JWK a service gets (RFC 7517): the public key, or for a secret `kty: oct` with `k`
    /// (RFC 7518 §6.4) — only ever sent to the services the client may call.
    public func jwk(opening masterKey: MasterKey) throws -> [String: JSONValue] {
        switch material {
        case .publicJWK(let jwk):
            return jwk
        case .sealedSecret(let sealed):
            let secret = try masterKey.open(sealed, context: Self.sealingContext(id))
            return ["kty": "oct", "k": .string(Base64URL.encode(secret)), "alg": "HS256", "kid": .string(id)]
        }
    }

    /// The client a key id names (the part before its first `:`).
    public static func clientID(ofKeyID id: String) -> Substring {
        id.prefix { $0 != ":" }
    }

    /// Whether `id` is a key id `clientID` may register: the client's id, or the id, `:` and a
    /// label of 1–64 visible ASCII characters (RFC 8941 §3.3.3 strings hold no others).
    public static func isValidID(_ id: String, for clientID: String) -> Bool {
        guard id != clientID else { return true }
        guard id.hasPrefix(clientID + ":") else { return false }
        let label = id.utf8.dropFirst(clientID.utf8.count + 1)
        return (1...64).contains(label.count) && label.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }
}
