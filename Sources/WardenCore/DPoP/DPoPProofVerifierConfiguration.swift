/// How ``DPoPProofVerifier`` checks proofs.
public struct DPoPProofVerifierConfiguration: Sendable {
    /// The `alg`s accepted (RFC 9449 §4.3 step 5: asymmetric only; `none` and HMAC never).
    /// Advertised as `dpop_signing_alg_values_supported` and in the `algs` of challenges.
    public var acceptedAlgorithms: [SignatureAlgorithm] = [.es256, .eddsa, .es384, .rs256]
    /// How old a proof's `iat` may be (RFC 9449 §11.1); `jti`s are remembered this long.
    public var maximumAge: Duration = .seconds(60)
    /// How far in the future `iat` may be (clocks differ).
    public var clockSkew: Duration = .seconds(5)
    /// At most this many `jti`s are remembered (``DPoPReplayCache``).
    public var replayCacheCapacity = 100_000
    /// A larger `DPoP` header is refused before it is parsed.
    public var maximumProofSize = 8 * 1024

    public init() {}
}
