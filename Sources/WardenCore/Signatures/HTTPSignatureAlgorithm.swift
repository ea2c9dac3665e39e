/// The HTTP Message Signature algorithms Warden implements (RFC 9421 §3.3, the IANA "HTTP
/// Signature Algorithms" registry names).
public enum HTTPSignatureAlgorithm: String, Sendable, CaseIterable, Hashable {
    /// RFC 9421 §3.3.3: HMAC with SHA-256 under a shared secret.
    case hmacSHA256 = "hmac-sha256"
    /// RFC 9421 §3.3.6: EdDSA with Curve25519 (RFC 8032).
    case ed25519 = "ed25519"
    /// RFC 9421 §3.3.4: ECDSA on P-256 with SHA-256, the signature as `r || s` (64 bytes).
    case ecdsaP256SHA256 = "ecdsa-p256-sha256"
    /// RFC 9421 §3.3.1: RSASSA-PSS with SHA-512 (MGF1 SHA-512, 64-byte salt).
    case rsaPSSSHA512 = "rsa-pss-sha512"

    public var isSymmetric: Bool { self == .hmacSHA256 }
}
