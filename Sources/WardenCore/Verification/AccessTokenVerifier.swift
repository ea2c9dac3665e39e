import Crypto
import Foundation
public import CoreMetrics
public import Logging
import Tracing

/// Verifies JWT access tokens (RFC 9068) by Warden's policy, trusting nothing in the token:
///
/// 1. size cap before any parsing; three canonical base64url segments; strict JSON (no duplicate
///    members) — see ``UnverifiedCompactJWS``;
/// 2. header: `typ` is `at+jwt` or `application/at+jwt` (RFC 9068 §4, case-insensitive); `crit`
///    refused (Warden understands no extensions, RFC 7515 §4.1.11); `alg` never `none`; `kid`
///    matched exactly, and `alg` must equal that key's own algorithm (so no HMAC with a public key);
///    `jwk`, `jku`, `x5u`, `x5c` are ignored and never fetched;
/// 3. signature, by jwt-kit, with that one key;
/// 4. claims: `iss` exact, `aud` contains ours, `exp` required, `nbf`/`iat` honoured with leeway,
///    `sub`/`client_id`/`jti` required, `scope` by RFC 6749 §3.3;
/// 5. `jti` not revoked.
///
/// Tokens that pass are cached (found by keyed hashes, their signature never kept) until
/// `exp`; a cached token is refused again once its `jti` is revoked or its key has left the key
/// source (a key withdrawn after a compromise takes its tokens with it, cached or not).
/// Failure reasons go to the log (debug) and the `warden.verifier.tokens` metric, never to callers
/// beyond ``TokenVerificationError/reason``.
public struct AccessTokenVerifier<Keys: VerificationKeySource>: Sendable {
    // `keys` is the last stored property: the others then sit at offsets known when this
    // module is compiled, and the unspecialized code of a request's verification reads them
    // without asking the runtime for `AccessTokenVerifier<Keys>`'s metadata (issue 16: ~30 ns a
    // read path in `perf`, ProfileRoutes).
    public let configuration: AccessTokenVerifierConfiguration
    public let revocations: RevocationList
    public let cache: VerifiedTokenCache
    let timeSource: TimeSource
    let logger: Logger
    let metrics: VerifierMetrics
    /// Told of every refusal (issue 14), with the token's `sub`, `client_id` and `jti` when its
    /// signature was good.
    let refusals: (any AccessRefusalReporter)?
    private let leeway: TimeInterval
    /// The leeway on `exp`: ``AccessTokenVerifierConfiguration/leeway``, but never longer than the
    /// revocation list keeps entries past `exp`, or a revoked token would pass again once its
    /// entry was dropped.
    private let expiryLeeway: TimeInterval
    private let maximumLifetime: TimeInterval
    /// The tracer when the verifier was made (issue 16): a span per verification, or nothing.
    private let tracer: (any Tracer)?
    /// Whether a tracer was in effect when the verifier was made: then verifications make spans,
    /// and adapters name the client on the request's span (without one, they skip even looking
    /// for a span: a task-local read a request, issue 16). Bootstrap tracing before making
    /// verifiers (as Warden's executables do), or their requests' spans go without it.
    /// Stored, not computed: an adapter's unspecialized code reads it without calling a method of
    /// `AccessTokenVerifier<Keys>` (which takes the type's metadata, looked up a request; issue 16).
    public let isTraced: Bool

    public let keys: Keys

    public init(
        configuration: AccessTokenVerifierConfiguration,
        keys: Keys,
        revocations: RevocationList = RevocationList(),
        timeSource: TimeSource = .system,
        logger: Logger = Logger(label: "warden.verifier"),
        metricsFactory: (any MetricsFactory)? = nil,
        refusals: (any AccessRefusalReporter)? = nil
    ) {
        self.refusals = refusals
        self.configuration = configuration
        self.keys = keys
        self.revocations = revocations
        self.cache = VerifiedTokenCache(capacity: configuration.cacheCapacity)
        self.timeSource = timeSource
        self.logger = logger
        // `nil`: the process-wide MetricsSystem.
        self.metrics = VerifierMetrics(factory: metricsFactory)
        self.leeway = configuration.leeway.timeInterval
        self.expiryLeeway = min(configuration.leeway.timeInterval, revocations.retention)
        self.maximumLifetime = configuration.maximumTokenLifetime.timeInterval
        self.tracer = WardenTracing.activeTracer
        self.isTraced = tracer != nil
    }

    /// Verifies `token` (the compact JWS, as sent after `Bearer `).
    public func verify(_ token: String) async throws(TokenVerificationError) -> VerifiedAccessToken {
        guard isTraced, let tracer else { return try await verifyText(token).token }
        return try await traced(tracer) { () async throws(TokenVerificationError) in try await verifyText(token) }
    }

    /// Verifies a token given as bytes.
    public func verify(bytes token: [UInt8]) async throws(TokenVerificationError) -> VerifiedAccessToken {
        guard isTraced, let tracer else { return try await verifyBytes(token).token }
        return try await traced(tracer) { () async throws(TokenVerificationError) in try await verifyBytes(token) }
    }

    /// Verifies `token` without suspending, when nothing needs waiting for: a verification
    /// remembered from an earlier request, or a full verification by a key the key source has at
    /// hand (``VerificationKeySource/verificationKeyAtHand(id:)``). `nil` when the key is not at
    /// hand (not fetched yet, stale, unknown, or the source has nothing at hand): then
    /// ``verify(_:)`` decides, fetching as it does. Refuses — throws, counts, logs and reports —
    /// exactly as ``verify(_:)`` does.
    ///
    /// Each `await` on a request's path is an executor switch (issue 16, docs/benchmarks.md),
    /// and a busy service's tokens nearly always verify by a key it has: adapters ask this first.
    public func verifyWithoutSuspending(_ token: String) throws(TokenVerificationError) -> VerifiedAccessToken? {
        var isMalformed = false
        return try verifyWithoutSuspending(token[...], checkingSyntax: false, isMalformed: &isMalformed)
    }

    /// ``verifyWithoutSuspending(_:)`` for a token not yet checked as a `b64token` (RFC 6750
    /// §2.1, ``PresentedAccessToken/isSyntaxChecked``) when `checkingSyntax`: checked only when
    /// the cache does not answer for exactly its bytes (a remembered token passed it), before
    /// anything else refuses it; when it fails, `isMalformed` is set and the answer is `nil`,
    /// with nothing counted, logged or traced (``BearerGate`` refuses the request, 400).
    /// The token is where the request has it (``PresentedAccessToken/text``: not copied).
    func verifyWithoutSuspending(_ token: Substring, checkingSyntax: Bool, isMalformed: inout Bool) throws(TokenVerificationError) -> VerifiedAccessToken? {
        // Without tracing, nothing around it (issue 16: the span's closure below, even unused,
        // cost ~0.1 µs a request in `perf`).
        // `isTraced` first: `guard let tracer` copied the optional existential (a retain and a
        // release, ~85 ns a request in `perf`) even when there was none.
        guard isTraced, let tracer else { return try verifyTextAtHand(token, checkingSyntax: checkingSyntax, isMalformed: &isMalformed)?.token }
        // The span is made once the outcome is known, from the start time: a `nil` (then `verify`
        // makes the span) leaves none behind.
        let start = DefaultTracerClock.now
        func span() -> any Span {
            tracer.startSpan("warden.verify_token", context: InstrumentationContext.current ?? .topLevel, ofKind: .internal, at: start)
        }
        do {
            guard let verified = try verifyTextAtHand(token, checkingSyntax: checkingSyntax, isMalformed: &isMalformed) else { return nil }
            let span = span()
            Self.describe(span, cachedHit: verified.cached, token: verified.token)
            span.end()
            return verified.token
        } catch {
            let span = span()
            Self.describe(span, refusal: error)
            span.end()
            throw error
        }
    }

    private func verifyTextAtHand(_ token: Substring, checkingSyntax: Bool, isMalformed: inout Bool) throws(TokenVerificationError) -> (token: VerifiedAccessToken, cached: Bool)? {
        let now = timeSource.now()
        // The size and the cache read where the request keeps the token's bytes, in one pass
        // (`Substring.utf8.count` is a call of its own: ~35 ns a request in `perf`).
        var fits = false
        let remembered = token.utf8.withContiguousStorageIfAvailable { bytes -> VerifiedTokenCache.Hit? in
            fits = bytes.count <= configuration.maximumTokenSize
            return fits ? cache.lookup(UnsafeRawBufferPointer(bytes), now: now) : nil
        } ?? {
            fits = token.utf8.count <= configuration.maximumTokenSize
            return fits ? cache.lookup(token, now: now) : nil
        }()
        if let hit = remembered {
            let cached = hit.token
            // The revocation list and the key source asked again only when they have changed
            // since the token was last checked (issue 16: their locks were taken by every hit on
            // every core); what a hit finds asking again is noted for the next.
            var unrevokedAt: UInt64?
            let revocationGeneration = revocations.generation
            if revocationGeneration != hit.revocationGeneration {
                guard !revocations.isRevoked(cached) else {
                    cache.remove(token)
                    throw refuse(.init(.revoked), keyID: cached.keyID, claims: cached.claims)
                }
                unrevokedAt = revocationGeneration
            }
            var keyAnswer: KeyAtHand?
            // Written out, not `Optional.map`: a closure over the generic key source looked up
            // type metadata on every hit.
            var keyStands = false
            if let keyGeneration = hit.keyGeneration { keyStands = keys.keysAtHandStand(generation: keyGeneration, until: hit.keyUsableUntil) }
            if !keyStands {
                // Not at hand, or another algorithm's: `verify` asks the source and decides.
                guard let atHand = keys.keyAtHand(id: cached.keyID), atHand.key.algorithm == cached.algorithm else {
                    if unrevokedAt != nil { cache.note(token, unrevokedAt: unrevokedAt, key: nil) }
                    return nil
                }
                // Another key under the same `kid` (replaced in place): the token is verified
                // afresh by `verify`, with the key there is now.
                guard atHand.key.fingerprint == hit.keyFingerprint else {
                    cache.remove(token)
                    return nil
                }
                keyAnswer = atHand
            }
            if unrevokedAt != nil || keyAnswer?.generation != nil { cache.note(token, unrevokedAt: unrevokedAt, key: keyAnswer) }
            metrics.cached.increment()
            return (cached, true)
        }
        // Not remembered: the syntax first (as where it was found), then the size cap.
        if checkingSyntax, !BearerCredentials.isB64Token(token) {
            isMalformed = true
            return nil
        }
        guard fits else { throw refuse(.init(.oversized), keyID: nil) }
        var keyID: String?
        var signed: AccessTokenClaims?
        do throws(TokenVerificationError) {
            // One copy of the header's bytes: `Array(Substring.UTF8View)` went byte by byte
            // through the generic iterator (issue 16: ~2 µs of an uncached verification in
            // `perf`, where the in-process floor, verifying a `String`, paid nothing).
            let bytes = token.utf8.withContiguousStorageIfAvailable { Array($0) } ?? Array(token.utf8)
            let parsed = try parse(bytes, keyID: &keyID)
            guard let atHand = keys.keyAtHand(id: parsed.keyID) else { return nil }
            let revocationGeneration = revocations.generation
            let verified = try check(parsed, by: atHand.key, now: now, signed: &signed)
            remember(verified, token: bytes, checkedAt: revocationGeneration, verifiedWith: atHand.key, key: atHand)
            return (verified, false)
        } catch {
            throw refuse(error, keyID: keyID, claims: signed)
        }
    }

    private func verifyText(_ token: String) async throws(TokenVerificationError) -> (token: VerifiedAccessToken, cached: Bool) {
        // The cap comes before anything else touches the token.
        guard token.utf8.count <= configuration.maximumTokenSize else {
            throw refuse(.init(.oversized), keyID: nil)
        }
        let now = timeSource.now()
        if let hit = cache.lookup(token, now: now),
            let cached = try await cachedVerification(hit, forget: { cache.remove(token) }, unrevoked: { cache.note(token, unrevokedAt: $0, key: nil) })
        {
            return (cached, true)
        }
        return (try await verifyAndRemember(Array(token.utf8), now: now), false)
    }

    private func verifyBytes(_ token: [UInt8]) async throws(TokenVerificationError) -> (token: VerifiedAccessToken, cached: Bool) {
        guard token.count <= configuration.maximumTokenSize else {
            throw refuse(.init(.oversized), keyID: nil)
        }
        let now = timeSource.now()
        if let hit = token.withUnsafeBytes({ cache.lookup($0, now: now) }),
            let cached = try await cachedVerification(
                hit, forget: { token.withUnsafeBytes { cache.remove($0) } },
                unrevoked: { generation in token.withUnsafeBytes { cache.note($0, unrevokedAt: generation, key: nil) } }
            )
        {
            return (cached, true)
        }
        return (try await verifyAndRemember(token, now: now), false)
    }

    /// A `warden.verify_token` span around `verification`: whether the cache answered, the
    /// token's `client_id` and key id, or the reason it was refused — never the token, its
    /// `sub` or its `jti`. A JWKS fetch it needs becomes its child.
    private func traced(
        _ tracer: any Tracer,
        _ verification: () async throws(TokenVerificationError) -> (token: VerifiedAccessToken, cached: Bool)
    ) async throws(TokenVerificationError) -> VerifiedAccessToken {
        let span = tracer.startSpan("warden.verify_token", context: InstrumentationContext.current ?? .topLevel, ofKind: .internal)
        defer { span.end() }
        // `withValue` rethrows untyped: the outcome crosses it as a value.
        let outcome: Result<(token: VerifiedAccessToken, cached: Bool), TokenVerificationError> = await InstrumentationContext.$current.withValue(span.context) {
            do throws(TokenVerificationError) {
                return .success(try await verification())
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let verified):
            Self.describe(span, cachedHit: verified.cached, token: verified.token)
            return verified.token
        case .failure(let error):
            Self.describe(span, refusal: error)
            throw error
        }
    }

    /// A passed verification's attributes: whether the cache answered, the client and the key.
    private static func describe(_ span: any Span, cachedHit: Bool, token: VerifiedAccessToken) {
        span.updateAttributes { attributes in
            attributes["warden.token.cache_hit"] = cachedHit
            attributes["oauth.client_id"] = token.clientID
            attributes["warden.token.kid"] = token.keyID
        }
    }

    /// A refused verification's reason (never the token or what it claims).
    private static func describe(_ span: any Span, refusal error: TokenVerificationError) {
        span.updateAttributes { attributes in attributes["warden.token.refused"] = error.reason.description }
        span.setStatus(SpanStatus(code: .error))
    }

    /// The cached verification of the same token bytes (`cached`, unexpired), unless its `jti`
    /// has since been revoked or its key is no longer in the key source (then `forget` drops the
    /// entry and the token is refused). The key lookup is the key source's in-memory one while
    /// its keys are fresh; `nil` when the key under its `kid` is other key material now (the
    /// entry dropped: verify the token afresh). The revocation list is asked only when it has
    /// taken a revocation since the token was last found unrevoked (then `unrevoked` notes the
    /// generation read).
    private func cachedVerification(
        _ hit: VerifiedTokenCache.Hit, forget: () -> Void, unrevoked: (UInt64) -> Void
    ) async throws(TokenVerificationError) -> VerifiedAccessToken? {
        let cached = hit.token
        let revocationGeneration = revocations.generation
        if revocationGeneration != hit.revocationGeneration {
            guard !revocations.isRevoked(cached) else {
                forget()
                throw refuse(.init(.revoked), keyID: cached.keyID, claims: cached.claims)
            }
            unrevoked(revocationGeneration)
        }
        let key: VerificationKey?
        do {
            key = try await keys.verificationKey(id: cached.keyID)
        } catch {
            forget()
            throw refuse(error, keyID: cached.keyID)
        }
        guard let key, key.algorithm == cached.algorithm else {
            forget()
            throw refuse(.init(.unknownKey, detail: "key withdrawn since the token was cached"), keyID: cached.keyID)
        }
        // Another key under the same `kid` (replaced in place): `nil`, verified afresh.
        guard key.fingerprint == hit.keyFingerprint else {
            forget()
            return nil
        }
        metrics.cached.increment()
        return cached
    }

    private func verifyAndRemember(_ token: [UInt8], now: Date) async throws(TokenVerificationError) -> VerifiedAccessToken {
        var keyID: String?
        var signed: AccessTokenClaims?
        do throws(TokenVerificationError) {
            let parsed = try parse(token, keyID: &keyID)
            guard let key = try await keys.verificationKey(id: parsed.keyID) else { throw TokenVerificationError(.unknownKey) }
            let revocationGeneration = revocations.generation
            let verified = try check(parsed, by: key, now: now, signed: &signed)
            remember(verified, token: token, checkedAt: revocationGeneration, verifiedWith: key, key: nil)
            return verified
        } catch {
            throw refuse(error, keyID: keyID, claims: signed)
        }
    }

    /// A passed verification, remembered (when caching) until its `exp`; `checkedAt`: the
    /// revocation list's generation read before `check` found it unrevoked; `key`: the key
    /// source's answer when it had the key at hand.
    private func remember(
        _ verified: VerifiedAccessToken, token: [UInt8], checkedAt revocationGeneration: UInt64, verifiedWith verificationKey: VerificationKey, key: KeyAtHand?
    ) {
        token.withUnsafeBytes {
            cache.insert(
                verified, for: $0, validUntil: verified.claims.expiresAt.addingTimeInterval(expiryLeeway),
                revocationGeneration: revocationGeneration, verifiedWith: verificationKey, key: key
            )
        }
        metrics.verified.increment()
    }

    /// A token's JWS and what its header names, before any key is looked up.
    private struct ParsedToken {
        let jws: UnverifiedCompactJWS
        let algorithm: SignatureAlgorithm
        let keyID: String
    }

    /// The header checks; `keyID` is set as soon as it is known (for reporting a refusal).
    private func parse(_ token: [UInt8], keyID: inout String?) throws(TokenVerificationError) -> ParsedToken {
        let jws = try UnverifiedCompactJWS(token)
        let header = jws.header

        // RFC 9068 §4: the resource server MUST check typ is at+jwt (media type, case-insensitive).
        guard let type = header.type, Self.isAccessTokenType(type) else {
            throw .init(.wrongType)
        }
        // RFC 7515 §4.1.11: a recipient that does not understand every listed extension must refuse.
        if header.hasCritical { throw .init(.unsupportedCritical) }
        guard let algName = header.algorithm, let algorithm = SignatureAlgorithm(jwsName: algName) else {
            throw .init(.unsupportedAlgorithm, detail: header.algorithm?.lowercased() == "none" ? "none" : nil)
        }
        guard let kid = header.keyID, !kid.isEmpty else { throw .init(.unknownKey, detail: "no kid") }
        keyID = kid
        return ParsedToken(jws: jws, algorithm: algorithm, keyID: kid)
    }

    /// The signature by `key` (the one whose id is the header's `kid`) and the claims.
    /// `signed`: the claims, once the signature has been checked (for reporting a refusal).
    private func check(
        _ token: ParsedToken,
        by key: VerificationKey,
        now: Date,
        signed: inout AccessTokenClaims?
    ) throws(TokenVerificationError) -> VerifiedAccessToken {
        let jws = token.jws
        let algorithm = token.algorithm
        guard key.algorithm == algorithm else { throw .init(.algorithmMismatch, detail: "\(algorithm) with a \(key.algorithm) key") }
        guard key.isValidSignature(jws.signature, for: jws.signingInput) else { throw .init(.badSignature) }

        let claims = try AccessTokenClaims(payload: jws.payload)
        signed = claims
        guard claims.issuer == configuration.issuer else { throw .init(.wrongIssuer) }
        guard !configuration.checksAudience || claims.audience.contains(configuration.audience) else { throw .init(.wrongAudience) }
        guard now.timeIntervalSince(claims.expiresAt) < expiryLeeway else { throw .init(.expired) }
        guard claims.expiresAt.timeIntervalSince(claims.issuedAt) <= maximumLifetime else { throw .init(.lifetimeTooLong) }
        if let notBefore = claims.notBefore, notBefore.timeIntervalSince(now) > leeway { throw .init(.notYetValid) }
        guard claims.issuedAt.timeIntervalSince(now) <= leeway else { throw .init(.issuedInFuture) }
        guard !revocations.isRevoked(claims) else { throw .init(.revoked) }
        return VerifiedAccessToken(claims: claims, keyID: token.keyID, algorithm: algorithm)
    }

    /// `at+jwt` or `application/at+jwt`, ASCII case-insensitive (media types, RFC 2045 §5.1),
    /// compared without allocating.
    static func isAccessTokenType(_ type: String) -> Bool {
        func equalsIgnoringCase(_ candidate: Substring.UTF8View, _ expected: StaticString) -> Bool {
            guard candidate.count == expected.utf8CodeUnitCount else { return false }
            return expected.withUTF8Buffer { expected in
                zip(candidate, expected).allSatisfy { lhs, rhs in
                    let lower = (lhs >= 0x41 && lhs <= 0x5A) ? lhs | 0x20 : lhs
                    return lower == rhs
                }
            }
        }
        let utf8 = Substring(type).utf8
        return equalsIgnoringCase(utf8, "at+jwt") || equalsIgnoringCase(utf8, "application/at+jwt")
    }

    private func refuse(_ error: TokenVerificationError, keyID: String?, claims: AccessTokenClaims? = nil) -> TokenVerificationError {
        metrics.recordRefusal(error.reason)
        // Keys that cannot be had are this service's trouble, not the caller's doing.
        if let refusals, error.reason != .keysUnavailable {
            refusals.report(AccessRefusal(
                kind: .invalidToken, reason: error.reason.description, heldScopes: claims?.scope ?? [],
                subject: claims?.subject, clientID: claims?.clientID, tokenID: claims?.tokenID, tokenIssuedAt: claims?.issuedAt, at: timeSource.now()
            ))
        }
        logger.debug(
            "access token refused",
            metadata: [
                "reason": "\(error.reason)",
                "detail": "\(error.detail ?? "")",
                "kid": "\(keyID ?? "")",
            ]
        )
        return error
    }
}
