/// Why a DPoP proof (RFC 9449 §4) was refused. The client is told only the RFC 9449 §7.1 error
/// code (`invalid_dpop_proof`, or `use_dpop_nonce` when a fresh server nonce is needed) and a
/// fixed description; ``reason`` is for logs and counters.
public struct DPoPProofError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        /// Not a compact JWS of canonical base64url with strict JSON, or too large.
        case malformed
        /// `typ` is not `dpop+jwt`.
        case wrongType
        /// `alg` missing, `none`, symmetric, or not among those accepted.
        case unsupportedAlgorithm
        /// `jwk` missing, not a public key Warden can use, or of another algorithm than `alg`.
        case invalidKey
        /// `jwk` carries private key material (`d`, `p`, `q`, … or `k`).
        case privateKey
        /// `crit` present: no extension is understood.
        case criticalHeader
        /// The signature does not verify with `jwk`.
        case badSignature
        /// A required claim (`jti`, `htm`, `htu`, `iat`; `ath` with an access token) is missing
        /// or of the wrong type.
        case missingClaim
        /// `htm` is not the request's method.
        case wrongMethod
        /// `htu` is not the request's URI (after normalisation, without query and fragment).
        case wrongURI
        /// `iat` is too old or too far in the future.
        case outsideTimeWindow
        /// This `jti` was seen before within the window.
        case replayed
        /// `ath` is not the hash of the access token sent with it.
        case accessTokenMismatch
        /// The proof's key is not the one the token is bound to (`cnf.jkt`).
        case keyMismatch
        /// The server requires a nonce and the proof has none, or an old one.
        case nonceRequired
        /// The replay cache is full of proofs still inside their window: the server cannot
        /// tell a replay now, so it takes no proof until some expire (answered as unavailable).
        case replayCacheFull
    }

    public let reason: Reason
    /// Internal detail for logs (never secret material, never the proof).
    public let detail: String

    public init(_ reason: Reason, detail: String = "") {
        self.reason = reason
        self.detail = detail
    }

    /// The RFC 9449 §7.1 / §8 error code.
    public var code: String { reason == .nonceRequired ? "use_dpop_nonce" : "invalid_dpop_proof" }

    /// What the client is told.
    public var clientDescription: String {
        reason == .nonceRequired ? "A nonce from the server is required in the DPoP proof." : "The DPoP proof is invalid."
    }

    public var description: String { detail.isEmpty ? reason.rawValue : "\(reason.rawValue): \(detail)" }
}
