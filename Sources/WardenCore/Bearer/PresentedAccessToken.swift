/// An access token as the request presented it: its value, and whether under the `DPoP`
/// scheme (RFC 9449 §7.1: with a `DPoP` proof) or as a bearer token (RFC 6750 §2).
public struct PresentedAccessToken: Sendable, Hashable {
    /// The token's characters where the request has them (a part of its `Authorization` field's
    /// value, not a copy: issue 16, ~45 ns of a cached request for the allocation, the copy and
    /// its UTF-8 validation).
    package let text: Substring
    public var value: String { String(text) }
    public let isDPoP: Bool
    /// Whether `value` was checked as a `b64token` (RFC 6750 §2.1) where it was found. `false`
    /// only from `BearerCredentials`' deferring `presented` functions (package-only, for this
    /// package's adapters): ``BearerGate`` then checks it unless the verifier's cache answers for exactly these bytes
    /// (a remembered token passed that check and verification before). Issue 16: the check of a
    /// ~600-byte token cost ~0.1 µs of a cached request's ~20.
    public let isSyntaxChecked: Bool

    public init(value: String, isDPoP: Bool) {
        self.init(text: value[...], isDPoP: isDPoP, isSyntaxChecked: true)
    }

    init(text: Substring, isDPoP: Bool, isSyntaxChecked: Bool) {
        self.text = text
        self.isDPoP = isDPoP
        self.isSyntaxChecked = isSyntaxChecked
    }
}

/// Never the token in a description, an interpolation or a `dump` (it is a credential).
extension PresentedAccessToken: CustomStringConvertible, CustomReflectable {
    public var description: String { "PresentedAccessToken(\(isDPoP ? "DPoP" : "Bearer"), \(text.utf8.count) bytes, redacted)" }
    public var customMirror: Mirror { Mirror(self, children: ["isDPoP": isDPoP, "isSyntaxChecked": isSyntaxChecked], displayStyle: .struct) }
}
