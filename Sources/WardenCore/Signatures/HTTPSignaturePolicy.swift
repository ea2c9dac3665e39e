/// What a route requires of a request's signature (RFC 9421 §3.2, §7.2): which components it
/// must cover, how fresh it must be, and which algorithms are accepted.
public struct HTTPSignaturePolicy: Sendable {
    /// Each must be among the signature's covered components (e.g. `@method @target-uri
    /// content-digest authorization`). Covering `content-digest` makes the body checked against it.
    public var requiredComponents: [SignatureComponent]
    /// Algorithms accepted (each key is still used only with its own).
    public var acceptedAlgorithms: Set<HTTPSignatureAlgorithm> = Set(HTTPSignatureAlgorithm.allCases)
    /// How old `created` may be; signatures are remembered this long (plus `clockSkew`) so that
    /// none passes twice.
    public var maximumAge: Duration = .seconds(60)
    /// How far in the future `created` may be (clocks differ).
    public var clockSkew: Duration = .seconds(5)
    /// Only this label, when set (RFC 9421 §3.2: the verifier picks the signature it needs).
    public var label: String?
    /// At most this many signatures remembered (``ReplayMemory``): full of live ones, new
    /// requests get 503 until some expire.
    public var replayCapacity = 1_000_000

    public init(requiring components: [SignatureComponent]) {
        self.requiredComponents = components
    }

    /// `@method @target-uri content-digest authorization`: what a call carrying a token and a
    /// body should cover (the shop policy).
    public static var methodTargetDigestAndAuthorization: HTTPSignaturePolicy {
        HTTPSignaturePolicy(requiring: [SignatureComponent("@method"), SignatureComponent("@target-uri"), SignatureComponent("content-digest"), SignatureComponent("authorization")])
    }

    /// The `Accept-Signature` value naming what is required (RFC 9421 §5.1).
    public func acceptSignature(label: String = "sig1") throws(HTTPSignatureError) -> String {
        let input = SignatureInput(components: requiredComponents, created: nil, keyID: nil, algorithm: nil)
        return (self.label ?? label) + "=" + (try input.serialized())
    }
}
