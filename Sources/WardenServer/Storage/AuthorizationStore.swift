public import Foundation
public import WardenCore

/// Everything the authorization server stores, behind one protocol so SQLite and PostgreSQL
/// can hold it alike. Single-use things (codes, refresh tokens) are redeemed atomically: of two
/// concurrent redemptions, exactly one gets ``SingleUseRedemption/redeemed(_:)``.
///
/// All methods throw ``StoreError`` and only that (typed throws). `WardenStoreConformance` is
/// what an implementation must pass.
public protocol AuthorizationStore: Sendable {
    // MARK: Capabilities
    /// How this store tells a node about changes other nodes made, as they happen (PostgreSQL:
    /// LISTEN/NOTIFY); `nil` for a store that one node uses alone (SQLite) or that cannot, whose
    /// changes then reach other nodes at their next poll.
    var changeNotifier: (any StoreChangeNotifier)? { get }

    // MARK: Scopes
    /// - Throws: ``StoreError/Code/conflict`` when the scope exists.
    func createScope(_ scope: ScopeRecord) async throws(StoreError)
    func scopes() async throws(StoreError) -> [ScopeRecord]
    /// Whether a scope was deleted.
    func deleteScope(_ scope: Scope) async throws(StoreError) -> Bool

    // MARK: Clients
    func createClient(_ client: ClientRecord) async throws(StoreError)
    func client(id: String) async throws(StoreError) -> ClientRecord?
    func clients() async throws(StoreError) -> [ClientRecord]
    /// Replaces what is stored of client `client.id` (all but its `createdAt`) if it is still
    /// `previous` (all but `createdAt`): whether it did. `false` when the client is gone or was
    /// changed meanwhile (two `warden client update` at once: the second reads again).
    func updateClient(_ client: ClientRecord, replacing previous: ClientRecord) async throws(StoreError) -> Bool
    func deleteClient(id: String) async throws(StoreError) -> Bool

    // MARK: Users
    func createUser(_ user: UserRecord) async throws(StoreError)
    func user(named name: String) async throws(StoreError) -> UserRecord?
    func users() async throws(StoreError) -> [UserRecord]
    func deleteUser(named name: String) async throws(StoreError) -> Bool
    /// Replaces a user's password hash, scopes and disabled flag (not its name or creation
    /// time), only if it is still `previous` (compare-and-set, as ``updateClient(_:replacing:)``);
    /// `false` when it changed meanwhile or does not exist.
    func updateUser(_ user: UserRecord, replacing previous: UserRecord) async throws(StoreError) -> Bool

    // MARK: Signing keys
    func addSigningKey(_ key: StoredSigningKey) async throws(StoreError)
    func signingKeys() async throws(StoreError) -> [StoredSigningKey]
    /// Sets `retiredAt` and `publishedUntil` of key `id` (if it is not retired already).
    func retireSigningKey(id: String, at: Date, publishedUntil: Date) async throws(StoreError)
    /// Deletes keys no longer published at `now`; returns how many.
    func deleteUnpublishedSigningKeys(at now: Date) async throws(StoreError) -> Int

    // MARK: Settings
    /// The stored value, or `value` stored now if there was none (atomically).
    func setting(_ name: String, defaultingTo value: String) async throws(StoreError) -> String

    // MARK: Refresh tokens
    func storeRefreshToken(_ token: RefreshTokenRecord) async throws(StoreError)
    /// Marks the token used, rotated into `successor` (the hash of a token stored already), and
    /// returns it; or says it was used/revoked before or never existed.
    func redeemRefreshToken(hash: [UInt8], at: Date, rotatedInto successor: [UInt8]) async throws(StoreError) -> SingleUseRedemption<RefreshTokenRecord>
    /// When a used, unrevoked token was used and what it was rotated into; `nil` for a token
    /// unused, revoked or unknown.
    func refreshTokenRotation(hash: [UInt8]) async throws(StoreError) -> RefreshTokenRotation?
    /// Revokes the token if it is unused and unrevoked; whether it did (atomically: of concurrent
    /// calls, and against a concurrent redemption, exactly one wins).
    func revokeUnusedRefreshToken(hash: [UInt8], at: Date) async throws(StoreError) -> Bool
    /// Points the used token `hash` at `successor` instead of `previous`; whether it did (it
    /// does not when it no longer pointed at `previous`).
    func replaceRefreshTokenSuccessor(hash: [UInt8], previous: [UInt8], successor: [UInt8]) async throws(StoreError) -> Bool
    /// The token (used or not), for revocation by the token itself.
    func refreshToken(hash: [UInt8]) async throws(StoreError) -> RefreshTokenRecord?
    /// Whether the token is unused and unrevoked (expiry is the caller's check).
    func isRefreshTokenActive(hash: [UInt8]) async throws(StoreError) -> Bool
    /// Revokes every refresh token of the family.
    func revokeRefreshTokenFamily(_ familyID: String, at: Date) async throws(StoreError)

    // MARK: Authorization codes
    func storeAuthorizationCode(_ code: AuthorizationCodeRecord) async throws(StoreError)
    func redeemAuthorizationCode(hash: [UInt8], at: Date) async throws(StoreError) -> SingleUseRedemption<AuthorizationCodeRecord>
    /// The code (used or not), without redeeming it: checked before redemption so that a code
    /// presented by the wrong client, or with the wrong verifier, is not burned.
    func authorizationCode(hash: [UInt8]) async throws(StoreError) -> AuthorizationCodeRecord?

    // MARK: Issued access tokens (user grants)
    func recordIssuedToken(_ token: IssuedTokenRecord) async throws(StoreError)
    func issuedToken(id: String) async throws(StoreError) -> IssuedTokenRecord?
    func issuedTokens(family familyID: String) async throws(StoreError) -> [IssuedTokenRecord]
    /// The recorded access tokens issued for `subject` that expire after `now`.
    func issuedTokens(subject: String, liveAt now: Date) async throws(StoreError) -> [IssuedTokenRecord]
    /// Revokes, in one statement, every recorded access token of another client exchanged —
    /// directly or along a chain — from a token of `clientID` (``IssuedTokenRecord/derivedFrom``)
    /// that expires after `now` (issue 14); already revoked ones stay as they were.
    func revokeIssuedTokens(derivedFrom clientID: String, liveAt now: Date) async throws(StoreError)
    /// The families of `subject`'s refresh tokens that can still be redeemed at `now` (unused,
    /// unrevoked, unexpired), each once.
    func refreshTokenFamilies(subject: String, liveAt now: Date) async throws(StoreError) -> [String]

    // MARK: Revocations
    /// Adds `tokenID` to the revocation feed (once; revoking again changes nothing) and
    /// returns its entry.
    @discardableResult
    func revoke(tokenID: String, expiresAt: Date, at: Date) async throws(StoreError) -> RevocationRecord
    func isRevoked(tokenID: String) async throws(StoreError) -> Bool
    /// Entries with a cursor greater than `cursor`, oldest first, at most `limit`.
    func revocations(after cursor: Int64, limit: Int) async throws(StoreError) -> [RevocationRecord]

    // MARK: Audit
    func appendAudit(_ event: AuditEvent) async throws(StoreError)
    /// Newest first.
    func auditEvents(limit: Int) async throws(StoreError) -> [AuditEvent]
    /// The audit rows of the given `events` at or after `since`, oldest first, at most `limit`
    /// (the permission audit, issue 14).
    func auditEvents(since: Date, named events: [String], limit: Int) async throws(StoreError) -> [AuditEvent]

    // MARK: Authentication failures (brute-force counters every node shares)
    /// Counts one more failure for `key` — from one again when its last failure was before
    /// `resetBefore` — and returns the count (atomically: concurrent failures all count).
    func countAuthenticationFailure(key: String, at: Date, resetBefore: Date) async throws(StoreError) -> Int
    /// Locks `key` until `until`; a later lock already stored stays.
    func lockAuthentication(key: String, until: Date) async throws(StoreError)
    /// The keys locked at `now` and when each lock ends (the latest `limit` locks at most).
    func authenticationLockouts(at now: Date, limit: Int) async throws(StoreError) -> [String: Date]
    /// Forgets the failures of `key` (after a successful authentication), unless it is locked at
    /// `now` (a lock another node set, not yet seen here, stays).
    func clearAuthenticationFailures(key: String, at now: Date) async throws(StoreError)

    // MARK: Detection and alerts (issue 14; every node counts in the same store)
    /// `occurrences` more of the signal `key` (a detection kind and what it is about), and how
    /// many there have been in the last window (`windowStart` to `now`), estimated as a sliding
    /// window counter does (``SignalWindow``): the count of the window begun by the first of
    /// them, plus the previous window's count weighted by how much of it the last window still
    /// covers — so occurrences spread to stay under a threshold per fixed window are still seen
    /// (a review's "9 guesses every 5 minutes"). One statement, so concurrent occurrences on any
    /// node all count.
    func countSignal(key: String, adding occurrences: Int, at now: Date, windowStart: Date) async throws(StoreError) -> Int

    /// Raises or extends an alert: when an alert of `alert.kind` and `alert.key` was last seen at
    /// or after `ongoingSince`, its count grows by `alert.count` and its `lastSeen` and summary
    /// move on (deduplicated while it lasts); otherwise `alert` is stored as a new one. Returns
    /// the alert as stored and whether it is new. (Two callers opening the same new alert at the
    /// same instant may store it twice: ``AlertCenter`` opens only from the occurrence that
    /// reached the threshold, which one caller sees.)
    func recordAlert(_ alert: AlertRecord, ongoingSince: Date) async throws(StoreError) -> (alert: AlertRecord, isNew: Bool)

    /// Extends the ongoing alert of `alert.kind` and `alert.key` as ``recordAlert(_:ongoingSince:)``
    /// does, never opening one: `nil` when none is ongoing.
    func extendAlert(_ alert: AlertRecord, ongoingSince: Date) async throws(StoreError) -> AlertRecord?

    /// The most recently seen alerts first.
    func alerts(limit: Int) async throws(StoreError) -> [AlertRecord]

    /// Records that tokens of `clientID` carried `scopes` (for `new_scope_use`, issue 14): the
    /// ones never recorded for it before are written with `now` and returned as first uses —
    /// to exactly one caller on any node — with when the client's first use was recorded (its
    /// learning period began then). Deleting the client forgets its uses.
    func recordScopeUses(clientID: String, scopes: [String], at now: Date) async throws(StoreError) -> ScopeUseRecord

    // MARK: Time
    /// The database's clock (PostgreSQL: `clock_timestamp()`), for times the CLI writes and every
    /// node compares with its own — a client entry's `iat_before`, a user's session epoch — so
    /// that the clock of the machine running `warden` does not matter (a review: a CLI 30 s
    /// behind let the tokens of those 30 s through). SQLite, on one machine: this one's.
    func currentTime() async throws(StoreError) -> Date

    // MARK: Cleanup
    /// Deletes codes, refresh tokens, issued-token rows and revocation entries past expiry,
    /// failure counters idle for an hour and no longer locked, signal counters older than a day,
    /// and audit rows and alerts (by when last seen) older than
    /// `auditBefore` — at most `limit` rows of each table per call, so that no statement holds
    /// the database long (``CleanupService`` calls again while there is more). Returns how many
    /// rows went.
    func deleteExpired(before now: Date, auditBefore: Date, limit: Int) async throws(StoreError) -> Int
}
