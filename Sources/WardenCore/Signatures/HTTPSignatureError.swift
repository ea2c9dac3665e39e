/// Why a signed request was refused, or a request could not be signed. The reason is for logs,
/// metrics and tests; clients get the standard `invalid_signature` with a fixed description.
public struct HTTPSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        /// No `Signature-Input`/`Signature` with the label or a key this service knows.
        case missingSignature
        /// A field is not what RFC 9421 §4 (or RFC 8941) allows: syntax, types, sizes, duplicates.
        case malformed
        /// A covered component cannot be had from the request (absent field, unknown derived one).
        case componentUnavailable
        /// The policy's required components are not all covered.
        case insufficientCoverage
        case unknownKey
        /// `alg` names another algorithm than the key's, or one not accepted for it.
        case algorithmMismatch
        case badSignature
        /// The key belongs to another client than the access token's
        /// (``HTTPSignatureRequirement/signerMustBeTokenClient``).
        case signerMismatch
        /// `created` too old or in the future, or `expires` passed.
        case outsideTimeWindow
        case missingCreated
        case replayed
        /// The replay memory is full of live entries: refuse (503) rather than forget one.
        case replayMemoryFull
        /// The key source cannot tell whether it knows the key (its authorization server is
        /// unreachable): 503, not the client's fault.
        case keysUnavailable
        /// `Content-Digest` is absent, malformed, of no supported algorithm, or does not match.
        case digestMismatch
        case cannotSign
    }

    public let reason: Reason
    /// For logs only: never a secret or a signature.
    public let detail: String?

    public init(_ reason: Reason, detail: String? = nil) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { detail.map { "\(reason.rawValue): \($0)" } ?? reason.rawValue }
}
