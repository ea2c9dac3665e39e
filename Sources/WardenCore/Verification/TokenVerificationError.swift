/// Why a token was refused. ``description`` is safe to show anyone; the ``reason`` (and
/// ``debugDescription``) is for logs and the `reason` metric label only, never for the client.
public struct TokenVerificationError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The check that failed. A closed set of codes, safe as a metric label.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case oversized, malformed, unsupportedAlgorithm, algorithmMismatch, unknownKey
            case badSignature, wrongType, unsupportedCritical, missingClaim, invalidClaim
            case wrongIssuer, wrongAudience, expired, notYetValid, issuedInFuture, revoked
            case keysUnavailable, lifetimeTooLong
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// Larger than the configured cap; nothing was parsed.
        public static let oversized = Reason(.oversized)
        /// Not three canonical base64url segments of strict JSON.
        public static let malformed = Reason(.malformed)
        /// `alg` missing, `none` in any spelling, or an algorithm Warden does not accept.
        public static let unsupportedAlgorithm = Reason(.unsupportedAlgorithm)
        /// `alg` differs from the algorithm the key with that `kid` is for.
        public static let algorithmMismatch = Reason(.algorithmMismatch)
        /// No key with exactly this `kid` (or no `kid` at all).
        public static let unknownKey = Reason(.unknownKey)
        public static let badSignature = Reason(.badSignature)
        /// Header `typ` is not `at+jwt` (RFC 9068 §4).
        public static let wrongType = Reason(.wrongType)
        /// `crit` names an extension Warden does not understand (RFC 7515 §4.1.11).
        public static let unsupportedCritical = Reason(.unsupportedCritical)
        public static let missingClaim = Reason(.missingClaim)
        public static let invalidClaim = Reason(.invalidClaim)
        public static let wrongIssuer = Reason(.wrongIssuer)
        public static let wrongAudience = Reason(.wrongAudience)
        public static let expired = Reason(.expired)
        public static let notYetValid = Reason(.notYetValid)
        public static let issuedInFuture = Reason(.issuedInFuture)
        /// The `jti` is on the revocation list.
        public static let revoked = Reason(.revoked)
        /// The key source could not produce usable keys (e.g. JWKS unreachable past its maximum age).
        public static let keysUnavailable = Reason(.keysUnavailable)
        /// `exp - iat` is longer than the verifier accepts
        /// (``AccessTokenVerifierConfiguration/maximumTokenLifetime``).
        public static let lifetimeTooLong = Reason(.lifetimeTooLong)

        /// Every reason, for pre-registering metrics.
        public static let all: [Reason] = [
            .oversized, .malformed, .unsupportedAlgorithm, .algorithmMismatch, .unknownKey, .badSignature,
            .wrongType, .unsupportedCritical, .missingClaim, .invalidClaim, .wrongIssuer, .wrongAudience,
            .expired, .notYetValid, .issuedInFuture, .revoked, .keysUnavailable, .lifetimeTooLong,
        ]

        /// A camelCase code for logs and metric labels.
        public var description: String { code.rawValue }
    }

    public let reason: Reason
    /// Which claim or header member, for logs. Never contains token material.
    public let detail: String?

    public init(_ reason: Reason, detail: String? = nil) {
        self.reason = reason
        self.detail = detail
    }

    /// Safe for clients: says nothing about which check failed.
    public var description: String {
        reason == .keysUnavailable ? "The token cannot be verified right now." : "The access token is invalid."
    }

    public var debugDescription: String {
        if let detail { return "token refused: \(reason) (\(detail))" }
        return "token refused: \(reason)"
    }
}
