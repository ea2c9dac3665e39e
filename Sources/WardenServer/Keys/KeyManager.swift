public import Foundation
public import Logging
import Synchronization
public import WardenCore

/// The server's signing keys: which one signs now, which are published in the JWKS, and
/// rotation. The database is the source of truth (so `warden keys rotate` on the same database
/// reaches a running server); this keeps a decrypted copy, reread every ``refreshInterval``
/// and whenever a token names a `kid` it does not know (at most once per second).
///
/// Rotation (architecture.md decision 6): the new key is published at once and signs only after
/// ``KeyConfiguration/publishDelay`` (so resource servers have fetched it first); the old key
/// stops signing then and stays published until every token it signed has expired.
public final class KeyManager: VerificationKeySource {
    public let configuration: KeyConfiguration
    let store: any AuthorizationStore
    let masterKey: MasterKey
    let timeSource: TimeSource
    let logger: Logger

    private struct State {
        var loadedAt: Date = .distantPast
        var lastUnknownKidReload: Date = .distantPast
        var keys: [StoredSigningKey] = []
        var decrypted: [String: SigningKey] = [:]
        /// Each decrypted key's public half, by id: what every verification looks up (issue 16:
        /// reading it through `decrypted` copied the whole `SigningKey` each time, ~0.2 µs).
        var verificationKeys: [String: VerificationKey] = [:]
        /// Rereads numbered as they start, and the number of the one whose keys are held: a
        /// reread that started earlier but ended later (two overlapping, e.g. a rotation's and
        /// the background one) must not bring back a key the later one no longer saw.
        var rereadsStarted: UInt64 = 0
        var rereadHeld: UInt64 = 0
        var signers: [String: AccessTokenSigner] = [:]
        /// A refresh is under way; others serve the keys loaded before meanwhile.
        var refreshing = false
        /// The last reread failed (logged once until one succeeds).
        var failing = false
        /// A change was announced while a reread ran: read once more when it ends.
        var rereadAgain = false
    }
    private let state = Mutex(State())
    /// Moves with every reread installed (issue 16: `KeyAtHand`): a verifier's cached token whose
    /// key was at hand at this generation needs no lookup, no lock, while it has not moved.
    /// Bumped inside the lock after the keys are in.
    private let keysGeneration = Atomic<UInt64>(0)

    public init(configuration: KeyConfiguration, store: any AuthorizationStore, masterKey: MasterKey, timeSource: TimeSource = .system, logger: Logger = Logger(label: "warden.keys")) {
        self.configuration = configuration
        self.store = store
        self.masterKey = masterKey
        self.timeSource = timeSource
        self.logger = logger
    }

    /// Checks that `masterKey` is the database's, and creates the first signing key (active at
    /// once) when there is none. Returns whether a key was created.
    @discardableResult
    public func bootstrap() async throws -> Bool {
        let stored = try await store.setting("master_key_fingerprint", defaultingTo: masterKey.fingerprint)
        guard stored == masterKey.fingerprint else {
            throw MasterKeyError("this database was set up with a different master key; start with the same WARDEN_MASTER_KEY or key file")
        }
        var created = false
        let now = timeSource.now()
        if try await store.signingKeys().filter({ $0.isPublished(at: now) }).isEmpty {
            created = try await createFirstKey(now: now)
        }
        try await reload()
        return created
    }

    /// The first key, created by exactly one of several nodes starting on an empty database at
    /// the same moment: each generates a candidate, the store's atomic
    /// ``AuthorizationStore/setting(_:defaultingTo:)`` picks one, and the others wait for it to
    /// appear (creating their own only if it never does: a node that crashed between the two).
    private func createFirstKey(now: Date) async throws -> Bool {
        let (candidate, serialized) = try await SigningKeyMaterial.generate(configuration.algorithm)
        let chosen = try await store.setting("first_signing_key", defaultingTo: candidate.id)
        if chosen != candidate.id {
            for _ in 0..<100 {
                if try await !store.signingKeys().filter({ $0.isPublished(at: now) }).isEmpty { return false }
                try await Task.sleep(for: .milliseconds(50))
            }
            logger.warning("the node that claimed the first signing key did not store it; creating one here")
        }
        // A second in the past: a time read back from storage may differ from `now` in the last
        // bit, and the first key must sign at once.
        try await store.addSigningKey(StoredSigningKey(
            id: candidate.id, algorithm: configuration.algorithm,
            sealedPrivateKey: try masterKey.seal(serialized, context: candidate.id),
            createdAt: now, activatesAt: now.addingTimeInterval(-1)
        ))
        return true
    }

    /// Generates a key for `algorithm` (the configured one by default) that signs after the
    /// publish delay; keys signing now retire at that moment. Returns the new key.
    @discardableResult
    public func rotate(algorithm: SignatureAlgorithm? = nil, publishDelay: Duration? = nil) async throws -> StoredSigningKey {
        let now = timeSource.now()
        let activatesAt = now.addingTimeInterval((publishDelay ?? configuration.publishDelay).timeInterval)
        let previous = try await store.signingKeys().filter { $0.retiredAt == nil }
        let key = try await addKey(algorithm: algorithm ?? configuration.algorithm, activatesAt: activatesAt)
        // Tokens signed up to `activatesAt` live at most the longest access-token lifetime.
        let publishedUntil = activatesAt.addingTimeInterval(configuration.maximumTokenLifetime.timeInterval + configuration.retentionLeeway.timeInterval)
        for old in previous {
            try await store.retireSigningKey(id: old.id, at: activatesAt, publishedUntil: publishedUntil)
        }
        try await store.appendAudit(AuditEvent(at: now, event: "key.rotated", tokenID: nil, outcome: "success", detail: "kid=\(key.id) alg=\(key.algorithm) activates=\(Int(activatesAt.timeIntervalSince1970))"))
        logger.info("signing key rotated", metadata: ["kid": "\(key.id)", "alg": "\(key.algorithm)", "activates_at": "\(activatesAt)"])
        try await reload()
        return key
    }

    private func addKey(algorithm: SignatureAlgorithm, activatesAt: Date) async throws -> StoredSigningKey {
        let (key, serialized) = try await SigningKeyMaterial.generate(algorithm)
        let stored = StoredSigningKey(
            id: key.id,
            algorithm: algorithm,
            sealedPrivateKey: try masterKey.seal(serialized, context: key.id),
            createdAt: timeSource.now(),
            activatesAt: activatesAt
        )
        try await store.addSigningKey(stored)
        return stored
    }

    /// Another node changed the keys: reread them now, in the background (the keys loaded
    /// before serve meanwhile).
    public func markStale() {
        let now = timeSource.now()
        let start = state.withLock { state -> Bool in
            state.loadedAt = .distantPast
            // A reread under way may have read before the change: it reads once more after.
            if state.refreshing { state.rereadAgain = true }
            guard !state.refreshing, !state.keys.isEmpty else { return false }
            state.refreshing = true
            return true
        }
        if start { Task.detached { [self] in try? await rereadNow(startedAt: now) } }
    }

    /// Rereads the keys from the database.
    public func reload() async throws {
        let now = timeSource.now()
        let number = state.withLock { state in
            state.rereadsStarted += 1
            return state.rereadsStarted
        }
        let keys = try await store.signingKeys().filter { $0.isPublished(at: now) }
        var decrypted = state.withLock { $0.decrypted }
        for key in keys where decrypted[key.id] == nil {
            let serialized = try masterKey.open(key.sealedPrivateKey, context: key.id)
            decrypted[key.id] = try await SigningKeyMaterial.load(key.algorithm, id: key.id, serialized: serialized)
        }
        let live = Set(keys.map(\.id))
        decrypted = decrypted.filter { live.contains($0.key) }
        let signers = decrypted.mapValues { AccessTokenSigner(key: $0) }
        let verificationKeys = decrypted.mapValues(\.verificationKey)
        state.withLock { state in
            guard number > state.rereadHeld else { return }
            state.rereadHeld = number
            state.keys = keys
            state.decrypted = decrypted
            state.verificationKeys = verificationKeys
            state.signers = signers
            state.loadedAt = now
            keysGeneration.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// Rereads the keys when they are older than the refresh interval. With keys loaded, the
    /// reread runs in the background and every caller goes on at once with the keys loaded
    /// before: a request never waits on the database for its keys, so a node cut off from it
    /// serves its JWKS and signs as fast as ever. When the database cannot be read, those keys
    /// stay in use, the next attempt comes a second later, and the failure is logged once per
    /// outage. Only without any key (the first load) does the caller wait for the read.
    private func reloadIfStale() async throws {
        let now = timeSource.now()
        let interval = configuration.refreshInterval.timeInterval
        let (reload, haveKeys) = state.withLock { state -> (Bool, Bool) in
            let haveKeys = !state.keys.isEmpty
            guard now.timeIntervalSince(state.loadedAt) >= interval, !(haveKeys && state.refreshing) else { return (false, haveKeys) }
            state.refreshing = true
            return (true, haveKeys)
        }
        guard reload else { return }
        guard haveKeys else { return try await rereadNow(startedAt: now) }
        // Detached: a request's task-locals (its storage budget among them) are not the reread's.
        Task.detached { [self] in try? await rereadNow(startedAt: now) }
    }

    private func rereadNow(startedAt now: Date) async throws {
        let interval = configuration.refreshInterval.timeInterval
        do {
            try await self.reload()
            let wasFailing = state.withLock { state in
                state.refreshing = false
                defer { state.failing = false }
                return state.failing
            }
            if wasFailing { logger.notice("signing keys reread again") }
            let again = state.withLock { state -> Bool in
                guard state.rereadAgain, !state.refreshing else { return false }
                state.rereadAgain = false
                state.refreshing = true
                return true
            }
            if again { try await rereadNow(startedAt: timeSource.now()) }
        } catch {
            let firstFailure = state.withLock { state in
                state.refreshing = false
                state.loadedAt = now.addingTimeInterval(min(1, interval) - interval)
                defer { state.failing = true }
                return !state.failing && !state.keys.isEmpty
            }
            if firstFailure {
                logger.warning("could not reread the signing keys; serving the ones loaded before until the database answers", metadata: ["error": "\(error)"])
            }
            throw error
        }
    }

    /// The signer of the newest key allowed to sign now.
    public func currentSigner() async throws -> AccessTokenSigner {
        try await reloadIfStale()
        let now = timeSource.now()
        let signer: AccessTokenSigner? = state.withLock { state in
            let candidates = state.keys.filter { $0.maySign(at: now) }.sorted { $0.activatesAt > $1.activatesAt }
            return candidates.first.flatMap { state.signers[$0.id] }
        }
        guard let signer else { throw KeyConfigurationError("no signing key is active; run `warden keys rotate`") }
        return signer
    }

    /// Whether a loaded key may sign now (from memory: for `/health`).
    public func canSignNow() -> Bool {
        let now = timeSource.now()
        return state.withLock { state in state.keys.contains { $0.maySign(at: now) && state.signers[$0.id] != nil } }
    }

    /// The keys in the JWKS now: every key that may still verify a live token.
    public func publishedKeys() async throws -> [VerificationKey] {
        try await reloadIfStale()
        let now = timeSource.now()
        return state.withLock { state in
            state.keys.filter { $0.isPublished(at: now) }.sorted { $0.createdAt < $1.createdAt }.compactMap { state.verificationKeys[$0.id] }
        }
    }

    /// The stored keys (for `warden keys list`).
    public func storedKeys() async throws -> [StoredSigningKey] {
        try await store.signingKeys().sorted { $0.createdAt < $1.createdAt }
    }

    // MARK: VerificationKeySource

    public func verificationKeyAtHand(id: String) -> VerificationKey? {
        state.withLock { $0.verificationKeys[id] }
    }

    /// The key loaded, until the next reread changes the keys (a key loaded does not age).
    public func keyAtHand(id: String) -> KeyAtHand? {
        state.withLock { state in
            // Read inside the lock: rereads bump it there, so this is the generation of these keys.
            state.verificationKeys[id].map { KeyAtHand(key: $0, generation: keysGeneration.load(ordering: .relaxed), usableUntil: .distantFuture) }
        }
    }

    public func keysAtHandStand(generation: UInt64, until: Date) -> Bool {
        keysGeneration.load(ordering: .acquiring) == generation
    }

    public func verificationKey(id: String) async throws(TokenVerificationError) -> VerificationKey? {
        let now = timeSource.now()
        if let key = state.withLock({ $0.verificationKeys[id] }) { return key }
        // An unknown kid may be a key rotated in by another process; reread at most once a second.
        let shouldReload = state.withLock { state in
            guard now.timeIntervalSince(state.lastUnknownKidReload) >= 1 else { return false }
            state.lastUnknownKidReload = now
            return true
        }
        guard shouldReload else { return nil }
        do { try await reload() } catch { throw TokenVerificationError(.keysUnavailable) }
        return state.withLock { $0.verificationKeys[id] }
    }
}
