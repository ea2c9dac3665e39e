import Foundation
import Synchronization
import WardenCore

/// RFC 7662 §2.2 answers for active access tokens, built once per token and kept by its `jti`
/// (issue 16: the JSON answer was ~1.4 % of each introspection, for a caller asking about the
/// same token again and again, as a service without local verification does).
///
/// Only what a token's claims decide is kept: an answer is handed out after every check that
/// can change between two introspections has passed again — the expiry by this server's clock,
/// the caller being an audience or the client, the revocation lists — so a revoked or expired
/// token is still `{"active":false}` at once. An entry is handed out only for the very token it
/// was built for, compared byte for byte (a `jti` seen again on another token — another issuer's
/// keys configured, a test's fixed ids — gets its own answer; `String`'s `==` would take
/// canonically equivalent text for the same).
///
/// Bounded: at most `capacity` answers (an arbitrary one makes room, as in the verified-token
/// cache), for tokens of at most `maximumTokenSize` bytes (larger ones are answered afresh each
/// time): at the defaults under ~5 MB however many tokens are introspected.
final class IntrospectionAnswers: Sendable {
    /// A class: read out of the table with one reference count, where a struct's copy counted
    /// every reference in it (~0.3 µs a lookup in `perf`).
    private final class Entry: Sendable {
        let token: String
        let answer: [UInt8]

        init(token: String, answer: [UInt8]) {
            self.token = token
            self.answer = answer
        }
    }

    private let entries: Mutex<[String: Entry]>
    let capacity: Int
    let maximumTokenSize: Int

    init(capacity: Int = 1_000, maximumTokenSize: Int = 4096) {
        precondition(capacity >= 0 && maximumTokenSize >= 0, "capacity and size must not be negative")
        self.capacity = capacity
        self.maximumTokenSize = maximumTokenSize
        self.entries = Mutex([:])
    }

    /// The answer for `token`, whose verified claims are `claims`, built by `build` the first
    /// time (and again if its entry went).
    func answer(for claims: AccessTokenClaims, token: String, build: (AccessTokenClaims) -> [UInt8]) -> [UInt8] {
        guard capacity > 0, token.utf8.count <= maximumTokenSize else { return build(claims) }
        if let kept = entries.withLock({ $0[claims.tokenID] }), Self.sameBytes(kept.token, token) { return kept.answer }
        let answer = build(claims)
        entries.withLock { entries in
            if entries.count >= capacity, entries[claims.tokenID] == nil, let victim = entries.keys.first {
                entries[victim] = nil
            }
            entries[claims.tokenID] = Entry(token: token, answer: answer)
        }
        return answer
    }

    var count: Int { entries.withLock { $0.count } }

    /// Byte for byte, without `String`'s canonical equivalence.
    private static func sameBytes(_ left: String, _ right: String) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        let compared = left.utf8.withContiguousStorageIfAvailable { leftBytes in
            right.utf8.withContiguousStorageIfAvailable { rightBytes in
                leftBytes.isEmpty || memcmp(leftBytes.baseAddress!, rightBytes.baseAddress!, leftBytes.count) == 0
            }
        }
        return (compared ?? nil) ?? left.utf8.elementsEqual(right.utf8)
    }
}
