public import Crypto
import Foundation

/// JSON Web Key thumbprints (RFC 7638): the SHA-256 of the key's required public members as
/// canonical JSON (§3.2: those members only, in lexicographic order, no whitespace), base64url.
/// DPoP binds a token to the key whose thumbprint it carries in `cnf.jkt` (RFC 9449 §6.1).
/// Written here because jwt-kit computes none.
public enum JWKThumbprint {
    /// The thumbprint of a public `jwk`, or `nil` when it is not a public key of a type Warden
    /// knows (EC, OKP, RSA) with its required members as strings.
    public static func sha256(of jwk: [String: JSONValue]) -> String? {
        guard let members = requiredMembers(of: jwk) else { return nil }
        let canonical = JSONValue.object(members.mapValues(JSONValue.string)).serialized()
        return Base64URL.encode(Array(SHA256.hash(data: canonical)))
    }

    /// RFC 7638 §3.2: `crv`, `kty`, `x`, `y` (EC); `crv`, `kty`, `x` (OKP, RFC 8037 §2);
    /// `e`, `kty`, `n` (RSA).
    static func requiredMembers(of jwk: [String: JSONValue]) -> [String: String]? {
        func string(_ name: String) -> String? { jwk[name]?.stringValue }
        switch string("kty") {
        case "EC":
            guard let crv = string("crv"), let x = string("x"), let y = string("y") else { return nil }
            return ["crv": crv, "kty": "EC", "x": x, "y": y]
        case "OKP":
            guard let crv = string("crv"), let x = string("x") else { return nil }
            return ["crv": crv, "kty": "OKP", "x": x]
        case "RSA":
            guard let e = string("e"), let n = string("n") else { return nil }
            return ["e": e, "kty": "RSA", "n": n]
        default:
            return nil
        }
    }
}
