/// An access token as the request presented it: its value, and whether under the `DPoP`
/// scheme (RFC 9449 §7.1: with a `DPoP` proof) or as a bearer token (RFC 6750 §2).
public struct PresentedAccessToken: Sendable, Hashable {
    public let value: String
    public let isDPoP: Bool

    public init(value: String, isDPoP: Bool) {
        self.value = value
        self.isDPoP = isDPoP
    }
}
