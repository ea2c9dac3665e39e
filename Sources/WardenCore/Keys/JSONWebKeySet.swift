import JWTKit

/// Reads a JWKS document (RFC 7517 §5) into verification keys, by Warden's rules:
/// every key needs a `kid`; `use` (if present) must be `sig`; `key_ops` (if present) must allow
/// `verify`; the algorithm comes from the key itself (`alg`, or the curve for EC/OKP keys) and
/// is the only one it will verify; symmetric (`oct`) keys are never taken from a JWKS; RSA keys
/// must name their `alg` and be at least 2048 bits. Keys that break a rule are skipped, not fatal.
public enum JSONWebKeySet {
    public struct Parsed: Sendable {
        public var keys: [VerificationKey]
        /// Why each skipped key was skipped (no key material in these strings).
        public var skipped: [String]
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ bytes: [UInt8]) async throws(Failure) -> Parsed {
        let document: JSONValue
        do { document = try StrictJSONParser().parse(bytes) } catch { throw Failure(description: "JWKS is not valid JSON: \(error)") }
        guard let keys = document.objectValue?["keys"]?.arrayValue else {
            throw Failure(description: "JWKS has no \"keys\" array")
        }
        var parsed = Parsed(keys: [], skipped: [])
        var seen = Set<String>()
        for (index, value) in keys.enumerated() {
            guard let jwk = value.objectValue else {
                parsed.skipped.append("key \(index): not an object")
                continue
            }
            do {
                let key = try await verificationKey(jwk: jwk)
                guard seen.insert(key.id).inserted else {
                    parsed.skipped.append("key \(index): duplicate kid")
                    continue
                }
                parsed.keys.append(key)
            } catch {
                parsed.skipped.append("key \(index): \(error)")
            }
        }
        return parsed
    }

    static func verificationKey(jwk: [String: JSONValue]) async throws(KeyConfigurationError) -> VerificationKey {
        guard let kid = jwk["kid"]?.stringValue, !kid.isEmpty else { throw KeyConfigurationError("no kid") }
        return try await verificationKey(jwk: jwk, id: kid, algorithm: jwk["alg"]?.stringValue)
    }

    /// The public key of `jwk` under `id`, for `alg` (the JWK's own, or for a key that names
    /// none, the algorithm it is used with: a DPoP proof's header).
    static func verificationKey(jwk: [String: JSONValue], id kid: String, algorithm alg: String?) async throws(KeyConfigurationError) -> VerificationKey {
        if let declared = jwk["alg"]?.stringValue, declared != alg { throw KeyConfigurationError("alg does not match the key's") }
        if let use = jwk["use"], use.stringValue != "sig" { throw KeyConfigurationError("use is not sig") }
        if let ops = jwk["key_ops"] {
            guard let list = ops.arrayValue, list.contains(.string("verify")) else {
                throw KeyConfigurationError("key_ops does not allow verify")
            }
        }
        func member(_ name: String) throws(KeyConfigurationError) -> String {
            guard let value = jwk[name]?.stringValue, Base64URL.decodeCanonical(value.utf8) != nil else {
                throw KeyConfigurationError("missing or invalid \(name)")
            }
            return value
        }
        switch (jwk["kty"]?.stringValue, jwk["crv"]?.stringValue) {
        case ("EC", "P-256"):
            guard alg == nil || alg == "ES256" else { throw KeyConfigurationError("alg does not match P-256") }
            guard let key = try? ES256PublicKey(parameters: (try member("x"), try member("y"))) else {
                throw KeyConfigurationError("invalid P-256 point")
            }
            return try await .es256(key, id: kid)
        case ("EC", "P-384"):
            guard alg == nil || alg == "ES384" else { throw KeyConfigurationError("alg does not match P-384") }
            guard let key = try? ES384PublicKey(parameters: (try member("x"), try member("y"))) else {
                throw KeyConfigurationError("invalid P-384 point")
            }
            return try await .es384(key, id: kid)
        case ("OKP", "Ed25519"):
            guard alg == nil || alg == "EdDSA" || alg == "Ed25519" else { throw KeyConfigurationError("alg does not match Ed25519") }
            guard let key = try? EdDSA.PublicKey(x: try member("x"), curve: .ed25519) else {
                throw KeyConfigurationError("invalid Ed25519 key")
            }
            return await .eddsa(key, id: kid)
        case ("RSA", _):
            guard let alg, let algorithm = SignatureAlgorithm(jwsName: alg),
                [.rs256, .rs384, .rs512].contains(algorithm)
            else { throw KeyConfigurationError("RSA key without a supported alg") }
            // RFC 7518 §6.3.1.1-2: minimal unsigned big-endian octets, no leading zero, so one
            // key has one thumbprint (RFC 7638 §3.3).
            for name in ["n", "e"] where Base64URL.decodeCanonical(try member(name).utf8)?.first == 0 {
                throw KeyConfigurationError("\(name) has a leading zero octet")
            }
            guard let key = try? JWTKit.Insecure.RSA.PublicKey(modulus: try member("n"), exponent: try member("e")) else {
                throw KeyConfigurationError("invalid RSA key")
            }
            return try await .rsa(key, algorithm: algorithm, id: kid)
        case ("oct", _):
            throw KeyConfigurationError("symmetric keys are never accepted from a JWKS")
        default:
            throw KeyConfigurationError("unsupported key type")
        }
    }

    /// A JWKS document for `keys` (those with a public JWK).
    public static func document(for keys: [VerificationKey]) -> [UInt8] {
        JSONValue.object(["keys": .array(keys.compactMap { $0.publicJWK.map(JSONValue.object) })]).serialized()
    }
}
