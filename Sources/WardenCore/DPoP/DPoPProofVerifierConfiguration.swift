/// How ``DPoPProofVerifier`` checks proofs.
public struct DPoPProofVerifierConfiguration: Sendable {
    /// The `alg`s accepted (RFC 9449 §4.3 step 5: asymmetric only; `none` and HMAC never).
    /// Advertised as `dpop_signing_alg_values_supported` and in the `algs` of challenges.
    public var acceptedAlgorithms: [SignatureAlgorithm] = [.es256, .eddsa, .es384, .rs256]
    /// How old a proof's `iat` may be (RFC 9449 §11.1); `jti`s are remembered this long.
    public var maximumAge: Duration = .seconds(60)
    /// How far in the future `iat` may be (clocks differ).
    public var clockSkew: Duration = .seconds(5)
    /// At most this many `jti`s are remembered (``ReplayMemory``), each for `maximumAge` +
    /// `clockSkew` (65 s): a service takes at most capacity ÷ 65 proofs a second, sustained,
    /// before it answers 503 (never lets a replay through). The default, 1,000,000, is ~15,000
    /// a second; memory grows only with the proofs actually seen (docs/benchmarks.md has the
    /// bytes per proof).
    public var replayCacheCapacity = 1_000_000
    /// How many distinct proof headers (a client's key and algorithm) keep their decided key, so
    /// that a client's next proofs skip building it (``DPoPHeaderCache``); 0 turns it off.
    public var headerCacheCapacity = 10_000
    /// A larger `DPoP` header is refused before it is parsed.
    public var maximumProofSize = 8 * 1024

    public init() {}
}
