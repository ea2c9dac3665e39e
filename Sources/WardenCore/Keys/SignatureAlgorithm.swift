/// A JWS `alg` value (RFC 7518 §3.1, RFC 8037) that Warden accepts for access tokens. `none`
/// is deliberately not representable.
public struct SignatureAlgorithm: Hashable, Sendable, CustomStringConvertible {
    private enum Name: String, Sendable, CaseIterable {
        case es256 = "ES256", es384 = "ES384", eddsa = "EdDSA"
        case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
        case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"
    }
    private let name: Name
    private init(_ name: Name) { self.name = name }

    public static let es256 = SignatureAlgorithm(.es256)
    public static let es384 = SignatureAlgorithm(.es384)
    public static let eddsa = SignatureAlgorithm(.eddsa)
    public static let rs256 = SignatureAlgorithm(.rs256)
    public static let rs384 = SignatureAlgorithm(.rs384)
    public static let rs512 = SignatureAlgorithm(.rs512)
    public static let hs256 = SignatureAlgorithm(.hs256)
    public static let hs384 = SignatureAlgorithm(.hs384)
    public static let hs512 = SignatureAlgorithm(.hs512)

    /// The algorithm with exactly this registered name (names are case-sensitive, RFC 7515 §4.1.1).
    public init?(jwsName: String) {
        guard let name = Name(rawValue: jwsName) else { return nil }
        self.name = name
    }

    /// The JWS `alg` header value.
    public var jwsName: String { name.rawValue }
    public var description: String { name.rawValue }

    /// Whether this is a MAC (shared secret) rather than a signature.
    public var isSymmetric: Bool { self == .hs256 || self == .hs384 || self == .hs512 }
}
