public import Crypto
public import Foundation

/// Makes DPoP proofs (RFC 9449 §4.2) with one key the client holds: header `{"alg", "jwk",
/// "typ": "dpop+jwt"}` (the public key only), claims `jti`, `htm`, `htu`, `iat`, and `ath` with
/// an access token, `nonce` when the server gave one. Serialization is Warden's own; the
/// signature is jwt-kit's (``SigningKey``). Used by `AuthorizedHTTPClient` and by tests.
public struct DPoPProofSigner: Sendable {
    public let key: SigningKey
    /// The key's public members (RFC 7638 §3.2), as the proofs carry it.
    public let publicJWK: [String: JSONValue]
    /// Its RFC 7638 thumbprint: the `cnf.jkt` of the tokens bound to it.
    public let thumbprint: String
    private let encodedHeader: String

    /// - Throws: when `key` is symmetric or has no public JWK.
    public init(key: SigningKey) throws(KeyConfigurationError) {
        guard !key.algorithm.isSymmetric, let jwk = key.verificationKey.publicJWK,
            let members = JWKThumbprint.requiredMembers(of: jwk), let thumbprint = JWKThumbprint.sha256(of: jwk)
        else { throw KeyConfigurationError("a DPoP key must be an asymmetric key with a public JWK") }
        self.key = key
        self.publicJWK = members.mapValues(JSONValue.string)
        self.thumbprint = thumbprint
        var header = JSONObjectWriter()
        header.add("typ", "dpop+jwt")
        header.add("alg", key.algorithm.jwsName)
        header.addRaw("jwk", JSONValue.object(publicJWK).serialized())
        self.encodedHeader = Base64URL.encode(header.finish())
    }

    /// A signer with a fresh ES256 key.
    public static func generateES256() async -> DPoPProofSigner {
        // A generated ES256 key is asymmetric and has a public JWK.
        try! DPoPProofSigner(key: await SigningKey.generateES256())
    }

    /// A proof for one request of `method` to `uri` (query and fragment are dropped, §4.2).
    public func proof(method: String, uri: String, accessToken: String? = nil, nonce: String? = nil, issuedAt: Date = Date()) throws -> String {
        var claims = JSONObjectWriter()
        claims.add("jti", Base64URL.encode(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }))
        claims.add("htm", method)
        claims.add("htu", Self.withoutQueryAndFragment(uri))
        claims.add("iat", issuedAt)
        if let accessToken { claims.add("ath", DPoPProofVerifier.accessTokenHash(accessToken)) }
        if let nonce { claims.add("nonce", nonce) }
        let input = encodedHeader + "." + Base64URL.encode(claims.finish())
        return input + "." + Base64URL.encode(try key.sign(Array(input.utf8)))
    }

    static func withoutQueryAndFragment(_ uri: String) -> String {
        String(uri.prefix { $0 != "?" && $0 != "#" })
    }
}
