import Foundation

/// Mints RFC 9068 access tokens: header `{"alg", "kid", "typ": "at+jwt"}`, the claims, and a
/// signature by one ``SigningKey``. Serialization is Warden's own (fixed member order, no
/// JSONEncoder); the signature is jwt-kit's.
public struct AccessTokenSigner: Sendable {
    public let key: SigningKey
    private let encodedHeader: [UInt8]

    public init(key: SigningKey) {
        self.key = key
        var header = JSONObjectWriter()
        header.add("alg", key.algorithm.jwsName)
        header.add("kid", key.id)
        header.add("typ", "at+jwt")
        self.encodedHeader = Array(Base64URL.encode(header.finish()).utf8)
    }

    /// The compact JWS for `claims`.
    public func sign(_ claims: AccessTokenClaims) throws -> String {
        var input = encodedHeader
        input.append(UInt8(ascii: "."))
        input.append(contentsOf: Array(Base64URL.encode(claims.jsonBytes()).utf8))
        let signature = try key.sign(input)
        input.append(UInt8(ascii: "."))
        input.append(contentsOf: Array(Base64URL.encode(signature).utf8))
        return String(decoding: input, as: UTF8.self)
    }
}
