public import Crypto
public import CryptoExtras
import Foundation

extension HTTPSignatureKey {
    /// The key a JSON Web Key (RFC 7517) describes, under `id`: a public `OKP`/`Ed25519` key
    /// (`ed25519`), `EC`/`P-256` (`ecdsa-p256-sha256`) or `RSA` of 2048 bits or more
    /// (`rsa-pss-sha512`); an `oct` secret of 32 bytes or more (`hmac-sha256`) only with
    /// `allowingSecret`. Private members (`d`, `p`, …) are refused: a public key's holder never
    /// needs them. `alg`, when present, must be the JOSE name of that algorithm (`EdDSA`,
    /// `ES256`, `PS512`, `HS256`), `use` must be `sig`. Members are the base64url of RFC 7518 §6.
    public static func jwk(_ jwk: [String: JSONValue], id: String, allowingSecret: Bool = false) throws(KeyConfigurationError) -> HTTPSignatureKey {
        if let use = jwk["use"], use.stringValue != "sig" { throw KeyConfigurationError("use is not sig") }
        func member(_ name: String) throws(KeyConfigurationError) -> [UInt8] {
            guard let text = jwk[name]?.stringValue, let bytes = Base64URL.decodeCanonical(text.utf8), !bytes.isEmpty else {
                throw KeyConfigurationError("missing or invalid \(name)")
            }
            return bytes
        }
        func requireAlg(_ names: Set<String>) throws(KeyConfigurationError) {
            if let alg = jwk["alg"], !(alg.stringValue.map(names.contains) ?? false) {
                throw KeyConfigurationError("alg does not match the key (expected \(names.sorted().joined(separator: " or ")))")
            }
        }
        let kty = jwk["kty"]?.stringValue
        if kty != "oct" {
            // RFC 7518 §6.2.2, §6.3.2: the private members of EC, OKP (RFC 8037 §2) and RSA keys.
            for name in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] where jwk[name] != nil {
                throw KeyConfigurationError("a public key must not carry its private member \(name)")
            }
        }
        switch (kty, jwk["crv"]?.stringValue) {
        case ("OKP", "Ed25519"):
            try requireAlg(["EdDSA", "Ed25519"])
            let x = try member("x")
            guard x.count == 32 else { throw KeyConfigurationError("an Ed25519 key is 32 bytes") }
            guard !Self.isWeakEd25519Key(x) else { throw KeyConfigurationError("a weak Ed25519 key (a point of small order, or not canonically encoded)") }
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x) else { throw KeyConfigurationError("invalid Ed25519 key") }
            return .ed25519(id: id, publicKey: key)
        case ("EC", "P-256"):
            try requireAlg(["ES256"])
            let (x, y) = (try member("x"), try member("y"))
            guard x.count == 32, y.count == 32, let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y) else {
                throw KeyConfigurationError("invalid P-256 point")
            }
            return .ecdsaP256SHA256(id: id, publicKey: key)
        case ("RSA", _):
            try requireAlg(["PS512"])
            let (n, e) = (try member("n"), try member("e"))
            // RFC 7518 §6.3.1.1–2: minimal octets, no leading zero.
            guard n.first != 0, e.first != 0, let key = try? _RSA.Signing.PublicKey(n: n, e: e) else { throw KeyConfigurationError("invalid RSA key (at least 2048 bits)") }
            return try .rsaPSSSHA512(id: id, publicKey: key)
        case ("oct", _):
            guard allowingSecret else { throw KeyConfigurationError("a shared secret is not accepted here") }
            try requireAlg(["HS256"])
            return try .hmacSHA256(id: id, secret: try member("k"))
        case ("OKP", _), ("EC", _):
            throw KeyConfigurationError("unsupported curve (Ed25519 and P-256 are)")
        default:
            throw KeyConfigurationError("unsupported key type (OKP, EC, RSA\(allowingSecret ? ", oct" : ""))")
        }
    }

    /// The encodings of the Ed25519 points of small order (the 8-torsion, RFC 8032 §5.1
    /// arithmetic; libsodium refuses the same list), canonical and not, either sign bit:
    /// computed by Tests/Interop/ed25519_small_order.py. A public key among them makes a
    /// signature that verifies for many or all messages (R = B, S = 1 passes under the identity),
    /// and swift-crypto's verification does not refuse them: checked here, by hand, as no
    /// listed library does.
    static let smallOrderEd25519Encodings: Set<[UInt8]> = Set([
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000080",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ].map { hex in stride(from: 0, to: 64, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! } })

    /// A small-order point, or `y` not below p = 2^255 − 19 (a second encoding of a point).
    static func isWeakEd25519Key(_ x: [UInt8]) -> Bool {
        guard x.count == 32 else { return true }
        if smallOrderEd25519Encodings.contains(x) { return true }
        // Little-endian y (sign bit cleared) ≥ p: bytes 1…30 all 0xff, byte 31 0x7f, byte 0 ≥ 0xed.
        return x[31] & 0x7F == 0x7F && x[1..<31].allSatisfy { $0 == 0xFF } && x[0] >= 0xED
    }

    /// The public JWK of this key (its required members, RFC 7638 §3.2, with `kid` and `alg`);
    /// `nil` for an HMAC secret, which has no public part.
    public var publicJWK: [String: JSONValue]? {
        var jwk: [String: JSONValue]
        switch material {
        case .hmac:
            return nil
        case .ed25519(let key, _):
            jwk = ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(key.rawRepresentation)), "alg": "EdDSA"]
        case .p256(let key, _):
            let point = Array(key.x963Representation)
            jwk = ["kty": "EC", "crv": "P-256", "x": .string(Base64URL.encode(point[1..<33])), "y": .string(Base64URL.encode(point[33...])), "alg": "ES256"]
        case .rsaPSS(let key, _):
            guard let primitives = try? key.getKeyPrimitives() else { return nil }
            func minimal(_ bytes: Data) -> String { Base64URL.encode(bytes.drop(while: { $0 == 0 })) }
            jwk = ["kty": "RSA", "n": .string(minimal(primitives.modulus)), "e": .string(minimal(primitives.publicExponent)), "alg": "PS512"]
        }
        jwk["kid"] = .string(id)
        return jwk
    }
}
