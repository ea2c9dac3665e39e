/// Where a verifier finds the key a signature names by `keyid` (RFC 9421 §3.2 step 5).
public protocol HTTPSignatureKeySource: Sendable {
    /// The key with this id, or `nil` when it is unknown. Throws `keysUnavailable` when it
    /// cannot tell (its source is down): the request is answered 503, not 401.
    func key(id: String) async throws(HTTPSignatureError) -> HTTPSignatureKey?
}
