import Synchronization
import WardenCore

/// RFC 7662 §2.2 answers for active access tokens, built once per token and kept by its `jti`
/// (issue 16: the JSON answer was ~1.4 % of each introspection, for a caller asking about the
/// same token again and again, as a service without local verification does).
///
/// Only what a token's claims decide is kept: an answer is handed out after every check that
/// can change between two introspections has passed again — the expiry by this server's clock,
/// the caller being an audience or the client, the revocation lists — so a revoked or expired
/// token is still `{"active":false}` at once. A `jti` names one token: this server's tokens are
/// the only ones that verify here, and it draws each `jti` at random (128 bits); the claims are
/// compared too, so a reused `jti` (another issuer's keys configured, a test's fixed ids) gets
/// its own answer, never another token's.
///
/// Bounded: at `capacity` answers, an arbitrary one makes room (as the verified-token cache).
final class IntrospectionAnswers: Sendable {
    /// A class: read out of the table with one reference count, where a struct's copy counted
    /// every reference in the claims (~0.3 µs a lookup in `perf`).
    private final class Entry: Sendable {
        let claims: AccessTokenClaims
        let answer: [UInt8]

        init(claims: AccessTokenClaims, answer: [UInt8]) {
            self.claims = claims
            self.answer = answer
        }
    }

    private let entries: Mutex<[String: Entry]>
    let capacity: Int

    init(capacity: Int = 10_000) {
        precondition(capacity >= 0, "capacity must not be negative")
        self.capacity = capacity
        self.entries = Mutex([:])
    }

    /// The answer for `claims`, built by `build` the first time (and again if its entry went).
    func answer(for claims: AccessTokenClaims, build: (AccessTokenClaims) -> [UInt8]) -> [UInt8] {
        if let kept = entries.withLock({ $0[claims.tokenID] }), kept.claims == claims { return kept.answer }
        let answer = build(claims)
        guard capacity > 0 else { return answer }
        entries.withLock { entries in
            if entries.count >= capacity, entries[claims.tokenID] == nil, let victim = entries.keys.first {
                entries[victim] = nil
            }
            entries[claims.tokenID] = Entry(claims: claims, answer: answer)
        }
        return answer
    }

    var count: Int { entries.withLock { $0.count } }
}
