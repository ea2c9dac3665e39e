/// A request refused for its signature, as every framework answers it: `401
/// invalid_signature` with `Accept-Signature` naming what the route requires (RFC 9421 §5.1), or
/// `503` when the replay memory is full or the keys cannot be had (not the client's fault). The description is one fixed
/// sentence per kind of failure: never a key, a signature, or the base.
public struct HTTPSignatureRefusal: Error, Sendable {
    public let statusCode: Int
    public let reason: HTTPSignatureError.Reason
    public let errorDescription: String
    /// The `Accept-Signature` value (absent on 503).
    public let acceptSignature: String?
    public let realm: String

    public init(_ error: HTTPSignatureError, policy: HTTPSignaturePolicy, realm: String) {
        self.reason = error.reason
        self.realm = realm
        if error.reason == .replayMemoryFull || error.reason == .keysUnavailable {
            statusCode = 503
            errorDescription = "The service is busy; try again shortly."
            acceptSignature = nil
        } else {
            statusCode = 401
            errorDescription = Self.description(of: error.reason)
            acceptSignature = try? policy.acceptSignature()
        }
    }

    static func description(of reason: HTTPSignatureError.Reason) -> String {
        switch reason {
        case .missingSignature: "This resource requires a signed request (RFC 9421); see Accept-Signature."
        case .malformed: "The Signature-Input or Signature field is malformed."
        case .componentUnavailable: "A covered component cannot be found in the request."
        case .insufficientCoverage: "The signature does not cover what this resource requires; see Accept-Signature."
        case .unknownKey: "The signature's key is not known here."
        case .algorithmMismatch: "The signature's algorithm is not the key's, or not accepted here."
        case .badSignature: "The signature does not match the request."
        case .signerMismatch: "The request is not signed by the client the access token was issued to."
        case .outsideTimeWindow: "The signature is too old, from the future, or expired."
        case .missingCreated: "The signature has no created parameter."
        case .replayed: "This signature was used before."
        case .digestMismatch: "The content does not match its Content-Digest."
        case .replayMemoryFull, .keysUnavailable, .cannotSign: "The signature cannot be checked right now."
        }
    }

    /// `WWW-Authenticate` (RFC 9110 §15.5.2 requires a challenge with 401; RFC 9421 registers no
    /// scheme, so this names the `Signature` scheme of its draft lineage), `Accept-Signature`,
    /// `Content-Type`, `Cache-Control: no-store`; `Retry-After` on 503.
    public var headerFields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        if statusCode == 503 {
            fields.append(("Retry-After", "5"))
        } else {
            fields.append(("WWW-Authenticate", "Signature realm=\"\(realm)\", error=\"invalid_signature\""))
            if let acceptSignature { fields.append(("Accept-Signature", acceptSignature)) }
        }
        fields.append(("Content-Type", "application/json"))
        fields.append(("Cache-Control", "no-store"))
        return fields
    }

    /// `{"error": "invalid_signature", "error_description": …}` (`temporarily_unavailable` on 503).
    public var jsonBody: [UInt8] {
        JSONValue.object([
            "error": .string(statusCode == 503 ? "temporarily_unavailable" : "invalid_signature"),
            "error_description": .string(errorDescription),
        ]).serialized()
    }
}
