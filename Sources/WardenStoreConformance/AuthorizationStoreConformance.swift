import Foundation
import Testing
import WardenCore
import WardenServer

/// What the authorization server relies on from any ``AuthorizationStore``: records that round
/// trip and conflict, single use under concurrency (refresh tokens, codes, lost rotations), the
/// revocation feed's order and paging, keys that retire and expire, cleanup that keeps what is
/// live. Both of Warden's stores run it (`StoreConformanceTests`); so should a third-party store,
/// from its own tests with swift-testing:
///
/// ```swift
/// import Testing
/// import WardenStoreConformance
///
/// @Test(arguments: AuthorizationStoreConformance.checks)
/// func conforms(_ check: AuthorizationStoreConformance.Check) async throws {
///     let store = try await MyStore.openFresh()      // a new, empty store for every check
///     try await check.run(on: store)
///     try await store.close()
/// }
/// ```
///
/// Each check records its failures with swift-testing's `#expect` (so it must run inside a
/// test) and expects an empty store.
public enum AuthorizationStoreConformance {
    /// Every check, in order.
    public static let checks: [Check] = [
        Check(name: "recordsRoundTripAndDuplicatesConflict", body: recordsRoundTripAndDuplicatesConflict),
        Check(name: "aRefreshTokenIsRedeemedExactlyOnceUnderConcurrency", body: aRefreshTokenIsRedeemedExactlyOnceUnderConcurrency),
        Check(name: "aLostRotationIsTakenOverExactlyOnce", body: aLostRotationIsTakenOverExactlyOnce),
        Check(name: "anAuthorizationCodeIsRedeemedExactlyOnceUnderConcurrency", body: anAuthorizationCodeIsRedeemedExactlyOnceUnderConcurrency),
        Check(name: "theRevocationFeedIsOrderedIdempotentAndPaged", body: theRevocationFeedIsOrderedIdempotentAndPaged),
        Check(name: "keysRetireAndExpireAndCleanupKeepsWhatIsLive", body: keysRetireAndExpireAndCleanupKeepsWhatIsLive),
        Check(name: "authenticationFailuresCountLockAndClear", body: authenticationFailuresCountLockAndClear),
        Check(name: "aRefreshTokenKeepsItsKeyBinding", body: aRefreshTokenKeepsItsKeyBinding),
        Check(name: "aClientKeepsItsDPoPRequirement", body: aClientKeepsItsDPoPRequirement),
        Check(name: "anAuthorizationCodeKeepsItsKeyBinding", body: anAuthorizationCodeKeepsItsKeyBinding),
        Check(name: "aClientIsUpdatedInPlace", body: aClientIsUpdatedInPlace),
        Check(name: "aUserIsUpdatedInPlaceAndTheirSessionsFound", body: aUserIsUpdatedInPlaceAndTheirSessionsFound),
        Check(name: "cleanupDeletesInBatches", body: cleanupDeletesInBatches),
        Check(name: "signalsAreCountedAndAlertsDeduplicated", body: signalsAreCountedAndAlertsDeduplicated),
        Check(name: "auditRowsAreReadByNameAndTime", body: auditRowsAreReadByNameAndTime),
        Check(name: "aScopeUseIsFirstOnceForOneCaller", body: aScopeUseIsFirstOnceForOneCaller),
        Check(name: "theDatabaseTellsTheTime", body: theDatabaseTellsTheTime),
    ]

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// `deleteExpired(…, limit:)` deletes at most `limit` rows of a table per call, the oldest
    /// rows only, and repeated calls finish the job (issue 17).
    static func cleanupDeletesInBatches(_ store: any AuthorizationStore) async throws {
        for index in 0..<5 {
            try await store.appendAudit(AuditEvent(at: now.addingTimeInterval(Double(index)), event: "old", outcome: "success"))
        }
        try await store.appendAudit(AuditEvent(at: now.addingTimeInterval(100), event: "kept", outcome: "success"))
        let cutoff = now.addingTimeInterval(50)
        #expect(try await store.deleteExpired(before: now, auditBefore: cutoff, limit: 2) == 2)
        #expect(try await store.deleteExpired(before: now, auditBefore: cutoff, limit: 2) == 2)
        #expect(try await store.deleteExpired(before: now, auditBefore: cutoff, limit: 2) == 1)
        #expect(try await store.deleteExpired(before: now, auditBefore: cutoff, limit: 2) == 0)
        #expect(try await store.auditEvents(limit: 10).map(\.event) == ["kept"])
    }

    /// The permission audit's query: rows of the named events from a time on, oldest first,
    /// bounded.
    static func auditRowsAreReadByNameAndTime(_ store: any AuthorizationStore) async throws {
        for (offset, event) in ["token.issued", "token.revoked", "token.issued", "access.refused", "token.issued"].enumerated() {
            try await store.appendAudit(AuditEvent(at: now.addingTimeInterval(Double(offset * 10)), event: event, clientID: "c\(offset)", outcome: "success"))
        }
        let issued = try await store.auditEvents(since: now.addingTimeInterval(5), named: ["token.issued", "access.refused"], limit: 10)
        #expect(issued.map(\.clientID) == ["c2", "c3", "c4"])
        #expect(try await store.auditEvents(since: now, named: ["token.issued"], limit: 2).map(\.clientID) == ["c0", "c2"])
        #expect(try await store.auditEvents(since: now, named: [], limit: 10).isEmpty)
        #expect(try await store.auditEvents(since: now, named: ["it's; DROP"], limit: 10).isEmpty)
    }

    /// The database's clock (client entries and session epochs are timed by it): a real time,
    /// moving forward (here, on one machine, within seconds of this one's).
    static func theDatabaseTellsTheTime(_ store: any AuthorizationStore) async throws {
        let first = try await store.currentTime()
        #expect(abs(first.timeIntervalSinceNow) < 5, "\(first)")
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await store.currentTime() > first)
    }

    /// `new_scope_use` (issue 14): a client's scope is a first use once, for one of many
    /// concurrent callers; the client is watched from its first recorded use; deleting the client
    /// forgets its uses.
    static func aScopeUseIsFirstOnceForOneCaller(_ store: any AuthorizationStore) async throws {
        let first = try await store.recordScopeUses(clientID: "app", scopes: ["a.read", "a.write"], at: now)
        #expect(Set(first.firstUses) == ["a.read", "a.write"])
        #expect(first.watchedSince == now)
        let later = now.addingTimeInterval(3600)
        #expect(try await store.recordScopeUses(clientID: "app", scopes: ["a.read"], at: later) == ScopeUseRecord(firstUses: [], watchedSince: now))
        #expect(try await store.recordScopeUses(clientID: "other app", scopes: ["a.read"], at: later) == ScopeUseRecord(firstUses: ["a.read"], watchedSince: later))
        let told = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { try await store.recordScopeUses(clientID: "app", scopes: ["a.read", "b.admin"], at: later).firstUses } }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(told == ["b.admin"])
        // Quotes and many scopes at once are data, not SQL.
        let many = (0..<450).map { "s.\($0)'" }
        #expect(try await store.recordScopeUses(clientID: "app", scopes: many, at: later).firstUses.count == 450)
        _ = try await store.deleteClient(id: "app")
        #expect(try await store.recordScopeUses(clientID: "app", scopes: ["a.read"], at: later) == ScopeUseRecord(firstUses: ["a.read"], watchedSince: later))
    }

    /// Detection (issue 14): a signal counts within the window its first occurrence began, and
    /// after it the previous window still counts for the share the last window covers (sliding
    /// window counter); many may be added at once; an alert seen again while it lasts grows instead of repeating;
    /// after its window a new one is raised; cleanup removes old counters and alerts.
    static func signalsAreCountedAndAlertsDeduplicated(_ store: any AuthorizationStore) async throws {
        let key = "credential_guessing|user:alice"
        func count(_ key: String, adding occurrences: Int = 1, at offset: TimeInterval, window: TimeInterval = 300) async throws -> Int {
            try await store.countSignal(key: key, adding: occurrences, at: now.addingTimeInterval(offset), windowStart: now.addingTimeInterval(offset - window))
        }
        #expect(try await count(key, at: 0) == 1)
        #expect(try await count(key, at: 10) == 2)
        #expect(try await count("credential_guessing|user:bob", at: 10) == 1)
        // The window of the first occurrence has passed: a new one begins, and the last 300 s
        // still cover two thirds of the old one (2 × 2/3, rounded down: 1 more).
        #expect(try await count(key, at: 400) == 2)
        #expect(try await count(key, at: 401) == 3)
        // Many at once (a service's report of alike refusals); the old window out of reach.
        #expect(try await count(key, adding: 5, at: 650) == 7)
        // Spread to stay under 10 per fixed window: 9, then 2 just after — seen as 10.
        #expect(try await count("credential_guessing|address:x", adding: 9, at: 0) == 9)
        #expect(try await count("credential_guessing|address:x", at: 301) == 9)
        #expect(try await count("credential_guessing|address:x", at: 302) == 10)

        let first = AlertRecord(id: "a1", kind: "credential_guessing", key: "user:alice", severity: "medium", summary: "10 failed sign-ins",
                                subject: "alice", clientID: "web", count: 10, windowSeconds: 300, firstSeen: now, lastSeen: now)
        let (raised, isNew) = try await store.recordAlert(first, ongoingSince: now.addingTimeInterval(-300))
        #expect(isNew && raised == first)
        var again = first
        again.id = "a2"
        again.count = 1
        again.summary = "11 failed sign-ins"
        again.lastSeen = now.addingTimeInterval(60)
        let (grown, grownIsNew) = try await store.recordAlert(again, ongoingSince: now.addingTimeInterval(-240))
        #expect(!grownIsNew)
        #expect(grown.id == "a1" && grown.count == 11 && grown.summary == "11 failed sign-ins")
        #expect(grown.firstSeen == now && grown.lastSeen == now.addingTimeInterval(60))
        // Another key, and the same key once the alert is over: new alerts.
        var other = first
        other.id = "b1"
        other.key = "address:203.0.113.7"
        #expect(try await store.recordAlert(other, ongoingSince: now.addingTimeInterval(-300)).isNew)
        var later = first
        later.id = "a3"
        later.firstSeen = now.addingTimeInterval(1000)
        later.lastSeen = now.addingTimeInterval(1000)
        #expect(try await store.recordAlert(later, ongoingSince: now.addingTimeInterval(700)).isNew)
        #expect(try await store.alerts(limit: 10).map(\.id) == ["a3", "a1", "b1"])
        #expect(try await store.alerts(limit: 1).map(\.id) == ["a3"])

        // Cleanup: counters a day old, alerts last seen before the audit cutoff.
        _ = try await store.deleteExpired(before: now.addingTimeInterval(86_400 + 1000), auditBefore: now.addingTimeInterval(500), limit: 100)
        #expect(try await store.alerts(limit: 10).map(\.id) == ["a3"])
        #expect(try await store.countSignal(key: "credential_guessing|user:bob", adding: 1, at: now.addingTimeInterval(86_500), windowStart: now.addingTimeInterval(86_200)) == 1)
    }

    /// `warden user update`: compare-and-set as for clients; and what a user still holds — live
    /// access tokens by subject, and the families of redeemable refresh tokens — found exactly
    /// (others' tokens, expired, used and revoked ones left out); and the tokens exchanged from a
    /// client's, by any client of their lineage.
    static func aUserIsUpdatedInPlaceAndTheirSessionsFound(_ store: any AuthorizationStore) async throws {
        let alice = UserRecord(name: "alice", passwordHash: "$2b$04$a", scopes: ["a.read", "a.write"], createdAt: now)
        try await store.createUser(alice)
        try await store.createUser(UserRecord(name: "bob", passwordHash: "$2b$04$b", scopes: ["a.read"], createdAt: now))
        var narrowed = alice
        narrowed.scopes = ["a.read"]
        narrowed.disabled = true
        narrowed.passwordHash = "$2b$04$c"
        narrowed.sessionsNotBefore = now.addingTimeInterval(5.25)
        #expect(try await store.updateUser(narrowed, replacing: alice))
        #expect(try await store.user(named: "alice") == narrowed)
        // A writer that read the old record is refused; bob and unknown users are untouched.
        var stale = alice
        stale.disabled = false
        #expect(try await !store.updateUser(stale, replacing: alice))
        #expect(try await store.user(named: "alice") == narrowed)
        #expect(try await store.user(named: "bob")?.scopes == ["a.read"])
        var nobody = narrowed
        nobody.name = "nobody"
        #expect(try await !store.updateUser(nobody, replacing: nobody))
        #expect(try await store.user(named: "nobody") == nil)

        for (jti, subject, family, life) in [("t1", "alice", "f1", 60.0), ("t2", "alice", "f2", 60), ("t3", "alice", "f1", -1), ("t4", "bob", "f9", 60)] {
            try await store.recordIssuedToken(IssuedTokenRecord(tokenID: jti, familyID: family, clientID: "c", subject: subject, expiresAt: now.addingTimeInterval(life)))
        }
        #expect(Set(try await store.issuedTokens(subject: "alice", liveAt: now).map(\.tokenID)) == ["t1", "t2"])
        // Exchanged tokens and the clients they came from (issue 14): revoked by any client of
        // the lineage, whole ids only (`web` is not `web-2`, `%` is no wildcard), live ones of
        // other clients only; once.
        for (jti, client, lineage, life) in [("x1", "svc", ["web"], 60.0), ("x2", "svc", ["web", "orders"], 60), ("x3", "svc", ["web-2"], 60), ("x4", "svc", ["web"], -1),
                                             ("x5", "svc", [], 60), ("x6", "web", ["web"], 60), ("x7", "svc", ["pay"], 60), ("x8", "svc", ["w%b"], 60)] {
            try await store.recordIssuedToken(IssuedTokenRecord(tokenID: jti, familyID: "fx", clientID: client, subject: "alice", expiresAt: now.addingTimeInterval(life), derivedFrom: lineage))
        }
        #expect(try await store.issuedToken(id: "x2")?.derivedFrom == ["web", "orders"])
        #expect(try await store.issuedToken(id: "x5")?.derivedFrom == [])
        func revoked() async throws -> Set<String> {
            var found = Set<String>()
            for jti in ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"] where try await store.isRevoked(tokenID: jti) { found.insert(jti) }
            return found
        }
        try await store.revokeIssuedTokens(derivedFrom: "orders", liveAt: now)
        #expect(try await revoked() == ["x2"])
        try await store.revokeIssuedTokens(derivedFrom: "web", liveAt: now)
        try await store.revokeIssuedTokens(derivedFrom: "web", liveAt: now)
        #expect(try await revoked() == ["x1", "x2"])
        for absent in ["web-", "w_b", "svc", "%"] { try await store.revokeIssuedTokens(derivedFrom: absent, liveAt: now) }
        #expect(try await revoked() == ["x1", "x2"])
        #expect(try await store.revocations(after: 0, limit: 100).filter { $0.tokenID.hasPrefix("x") }.count == 2)
        func refresh(_ name: String, _ subject: String, _ family: String, life: Double = 600) async throws -> [UInt8] {
            let hash = OpaqueToken.hash(name)
            try await store.storeRefreshToken(RefreshTokenRecord(hash: hash, familyID: family, clientID: "c", subject: subject, scope: ["a.read"], audience: ["x"],
                                                                 issuedAt: now, expiresAt: now.addingTimeInterval(life)))
            return hash
        }
        _ = try await refresh("r1", "alice", "f1")
        _ = try await refresh("r1b", "alice", "f1")
        let used = try await refresh("r2", "alice", "f2")
        _ = try await store.redeemRefreshToken(hash: used, at: now, rotatedInto: OpaqueToken.hash("r2-next"))
        _ = try await refresh("r3", "alice", "f3", life: -1)
        _ = try await refresh("r4", "alice", "f4")
        try await store.revokeRefreshTokenFamily("f4", at: now)
        _ = try await refresh("r5", "bob", "f5")
        #expect(try await store.refreshTokenFamilies(subject: "alice", liveAt: now) == ["f1"])
        #expect(try await store.refreshTokenFamilies(subject: "bob", liveAt: now) == ["f5"])
    }

    static func recordsRoundTripAndDuplicatesConflict(_ store: any AuthorizationStore) async throws {
        try await store.createScope(ScopeRecord(scope: "a.read", description: "Read A — with “quotes” and ünïcode"))
        await #expect(throws: StoreError.self) { try await store.createScope(ScopeRecord(scope: "a.read", description: "again")) }
        #expect(try await store.scopes() == [ScopeRecord(scope: "a.read", description: "Read A — with “quotes” and ünïcode")])

        let client = ClientRecord(id: "c", secretHash: [1, 2, 3], grants: [.clientCredentials, .tokenExchange], scopes: ["a.read"],
                                  redirectURIs: ["https://x.example/cb", "http://127.0.0.1:9/cb"], audiences: ["a", "b"],
                                  accessTokenLifetime: .seconds(120), createdAt: now)
        try await store.createClient(client)
        await #expect(throws: StoreError.self) { try await store.createClient(client) }
        #expect(try await store.client(id: "c") == client)
        #expect(try await store.client(id: "nobody") == nil)
        #expect(try await store.deleteClient(id: "c"))
        #expect(try await !store.deleteClient(id: "c"))

        let user = UserRecord(name: "ålice", passwordHash: "$2b$04$abc", scopes: ["a.read"], disabled: true, createdAt: now)
        try await store.createUser(user)
        #expect(try await store.user(named: "ålice") == user)
        #expect(try await store.users().count == 1)

        #expect(try await store.setting("s", defaultingTo: "first") == "first")
        #expect(try await store.setting("s", defaultingTo: "second") == "first")
    }

    /// `warden client update`: everything but the id and the creation time replaced, also to
    /// empty or absent values, only if the client is still what was read (compare-and-set); an
    /// unknown client is not created.
    static func aClientIsUpdatedInPlace(_ store: any AuthorizationStore) async throws {
        let original = ClientRecord(id: "u", secretHash: [1, 2, 3], grants: [.clientCredentials], scopes: ["a.read"],
                                    redirectURIs: ["https://x.example/cb"], audiences: ["a"], accessTokenLifetime: .seconds(120), createdAt: now)
        try await store.createClient(original)
        try await store.createClient(ClientRecord(id: "other", secretHash: nil, grants: [.password], scopes: ["a.read"], audiences: ["a"], createdAt: now))
        var changed = original
        changed.secretHash = [9, 9]
        changed.grants = [.clientCredentials, .tokenExchange]
        changed.scopes = ["a.read", "b.write"]
        changed.redirectURIs = []
        changed.audiences = ["b", "a"]
        changed.accessTokenLifetime = nil
        changed.requiresDPoP = true
        changed.disabled = true
        // Request-signing keys: a public JWK and a sealed secret, kept as given.
        changed.signingKeys = [
            ClientSigningKey(id: "u", algorithm: .hmacSHA256, material: .sealedSecret([0, 1, 2, 255])),
            ClientSigningKey(id: "u:ed", algorithm: .ed25519, material: .publicJWK(["kty": "OKP", "crv": "Ed25519", "x": "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs", "kid": "u:ed"])),
        ]
        changed.createdAt = now.addingTimeInterval(999)
        #expect(try await store.updateClient(changed, replacing: original))
        var expected = changed
        expected.createdAt = now
        #expect(try await store.client(id: "u") == expected)
        // A second writer that read the original: refused, nothing lost.
        var stale = original
        stale.requiresDPoP = true
        stale.signingKeys = [ClientSigningKey(id: "u", algorithm: .hmacSHA256, material: .sealedSecret([7]))]
        stale.accessTokenLifetime = .seconds(5)
        #expect(try await !store.updateClient(stale, replacing: original))
        #expect(try await store.client(id: "u") == expected)
        // The other client is untouched; an unknown one is not created.
        #expect(try await store.client(id: "other")?.grants == [.password])
        var unknown = changed
        unknown.id = "nobody"
        #expect(try await !store.updateClient(unknown, replacing: unknown))
        #expect(try await store.client(id: "nobody") == nil)
        // Back to a public client without DPoP, from what is stored (NULLs and empty lists compared).
        var back = expected
        back.secretHash = nil
        back.requiresDPoP = false
        back.signingKeys.removeFirst()
        #expect(try await store.updateClient(back, replacing: expected))
        #expect(try await store.client(id: "u") == back)
        var again = back
        again.scopes = ["a.read"]
        #expect(try await store.updateClient(again, replacing: back))
        #expect(try await store.client(id: "u") == again)
    }

    static func aRefreshTokenIsRedeemedExactlyOnceUnderConcurrency(_ store: any AuthorizationStore) async throws {
        let hash = OpaqueToken.hash("refresh")
        try await store.storeRefreshToken(RefreshTokenRecord(hash: hash, familyID: "f", clientID: "c", subject: "s", scope: ["a"], audience: ["x"], issuedAt: now, expiresAt: now.addingTimeInterval(60)))
        let winners = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            for attempt in 0..<50 {
                group.addTask {
                    let successor = OpaqueToken.hash("successor-\(attempt)")
                    if case .redeemed = try await store.redeemRefreshToken(hash: hash, at: now, rotatedInto: successor) { return successor }
                    return nil
                }
            }
            return try await group.reduce(into: [[UInt8]]()) { if let winner = $1 { $0.append(winner) } }
        }
        #expect(winners.count == 1)
        // The rotation names the winner's successor, and only the winner's.
        #expect(try await store.refreshTokenRotation(hash: hash) == RefreshTokenRotation(usedAt: now, successor: winners.first ?? []))
        guard case .alreadyUsed(let used) = try await store.redeemRefreshToken(hash: hash, at: now, rotatedInto: [0]) else {
            Issue.record("a second redemption must be a replay")
            return
        }
        #expect(used.familyID == "f")
        #expect(try await store.refreshTokenRotation(hash: hash)?.successor == winners.first)
        guard case .notFound = try await store.redeemRefreshToken(hash: OpaqueToken.hash("other"), at: now, rotatedInto: [0]) else {
            Issue.record("an unknown token is not found")
            return
        }
        // Revoking the family makes an unused member unredeemable too.
        let second = OpaqueToken.hash("second")
        try await store.storeRefreshToken(RefreshTokenRecord(hash: second, familyID: "f", clientID: "c", subject: "s", scope: ["a"], audience: ["x"], issuedAt: now, expiresAt: now.addingTimeInterval(60)))
        #expect(try await store.isRefreshTokenActive(hash: second))
        try await store.revokeRefreshTokenFamily("f", at: now)
        #expect(try await !store.isRefreshTokenActive(hash: second))
        guard case .alreadyUsed = try await store.redeemRefreshToken(hash: second, at: now, rotatedInto: [0]) else {
            Issue.record("a revoked token is not redeemable")
            return
        }
        // A revoked family has no rotation to retry.
        #expect(try await store.refreshTokenRotation(hash: hash) == nil)
    }

    static func aLostRotationIsTakenOverExactlyOnce(_ store: any AuthorizationStore) async throws {
        func record(_ name: String) -> RefreshTokenRecord {
            RefreshTokenRecord(hash: OpaqueToken.hash(name), familyID: "f", clientID: "c", subject: "s", scope: ["a"], audience: ["x"], issuedAt: now, expiresAt: now.addingTimeInterval(60))
        }
        let old = record("old"), lost = record("lost")
        try await store.storeRefreshToken(old)
        try await store.storeRefreshToken(lost)
        guard case .redeemed = try await store.redeemRefreshToken(hash: old.hash, at: now, rotatedInto: lost.hash) else {
            Issue.record("first redemption")
            return
        }
        #expect(try await store.refreshTokenRotation(hash: lost.hash) == nil)  // unused: no rotation

        // Of concurrent revocations of the unused successor and its redemption, exactly one wins.
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for attempt in 0..<20 {
                group.addTask {
                    if attempt == 10 {
                        if case .redeemed = try await store.redeemRefreshToken(hash: lost.hash, at: now, rotatedInto: [1]) { return true }
                        return false
                    }
                    return try await store.revokeUnusedRefreshToken(hash: lost.hash, at: now)
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)

        // Pointing at a new successor is a compare-and-swap on the old one.
        let retry = record("retry")
        try await store.storeRefreshToken(retry)
        #expect(try await !store.replaceRefreshTokenSuccessor(hash: old.hash, previous: retry.hash, successor: retry.hash))
        #expect(try await store.replaceRefreshTokenSuccessor(hash: old.hash, previous: lost.hash, successor: retry.hash))
        #expect(try await !store.replaceRefreshTokenSuccessor(hash: old.hash, previous: lost.hash, successor: [2]))
        #expect(try await store.refreshTokenRotation(hash: old.hash)?.successor == retry.hash)
    }

    static func anAuthorizationCodeIsRedeemedExactlyOnceUnderConcurrency(_ store: any AuthorizationStore) async throws {
        let hash = OpaqueToken.hash("code")
        try await store.storeAuthorizationCode(AuthorizationCodeRecord(hash: hash, clientID: "c", subject: "s", scope: ["a"], audience: ["x"], redirectURI: "https://x/cb", codeChallenge: "ch", familyID: "f", expiresAt: now.addingTimeInterval(60)))
        // Looking at a code does not redeem it.
        #expect(try await store.authorizationCode(hash: hash)?.clientID == "c")
        #expect(try await store.authorizationCode(hash: OpaqueToken.hash("other")) == nil)
        let redeemed = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    if case .redeemed = try await store.redeemAuthorizationCode(hash: hash, at: now) { return 1 }
                    return 0
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(redeemed == 1)
    }

    static func theRevocationFeedIsOrderedIdempotentAndPaged(_ store: any AuthorizationStore) async throws {
        var cursors: [Int64] = []
        for index in 0..<7 {
            cursors.append(try await store.revoke(tokenID: "jti-\(index)", expiresAt: now.addingTimeInterval(60), at: now).cursor)
        }
        #expect(cursors == cursors.sorted())
        #expect(Set(cursors).count == 7)
        #expect(try await store.revoke(tokenID: "jti-3", expiresAt: now, at: now).cursor == cursors[3])
        #expect(try await store.isRevoked(tokenID: "jti-3"))
        #expect(try await !store.isRevoked(tokenID: "jti-x"))
        let first = try await store.revocations(after: 0, limit: 4)
        let rest = try await store.revocations(after: first.last!.cursor, limit: 4)
        #expect((first + rest).map(\.tokenID) == (0..<7).map { "jti-\($0)" })
    }

    static func keysRetireAndExpireAndCleanupKeepsWhatIsLive(_ store: any AuthorizationStore) async throws {
        try await store.addSigningKey(StoredSigningKey(id: "k1", algorithm: .es256, sealedPrivateKey: [1], createdAt: now, activatesAt: now))
        try await store.addSigningKey(StoredSigningKey(id: "k2", algorithm: .eddsa, sealedPrivateKey: [2], createdAt: now.addingTimeInterval(1), activatesAt: now.addingTimeInterval(300)))
        try await store.retireSigningKey(id: "k1", at: now.addingTimeInterval(300), publishedUntil: now.addingTimeInterval(900))
        // Retiring twice keeps the first retirement.
        try await store.retireSigningKey(id: "k1", at: now.addingTimeInterval(999), publishedUntil: now.addingTimeInterval(9999))
        let keys = try await store.signingKeys()
        #expect(keys.map(\.id) == ["k1", "k2"])
        #expect(keys[0].publishedUntil == now.addingTimeInterval(900))
        #expect(keys[1].algorithm == .eddsa)
        #expect(try await store.deleteUnpublishedSigningKeys(at: now.addingTimeInterval(899)) == 0)
        #expect(try await store.deleteUnpublishedSigningKeys(at: now.addingTimeInterval(901)) == 1)

        try await store.appendAudit(AuditEvent(at: now, event: "old", outcome: "success"))
        try await store.appendAudit(AuditEvent(at: now.addingTimeInterval(10), event: "new", clientID: "c", subject: "s", scope: "a", tokenID: "j", outcome: "success", detail: "d"))
        #expect(try await store.auditEvents(limit: 10).map(\.event) == ["new", "old"])
        try await store.storeAuthorizationCode(AuthorizationCodeRecord(hash: [9], clientID: "c", subject: "s", scope: [], audience: ["x"], redirectURI: "u", codeChallenge: "c", familyID: "f", expiresAt: now))
        let deleted = try await store.deleteExpired(before: now.addingTimeInterval(5), auditBefore: now.addingTimeInterval(5), limit: 1000)
        #expect(deleted == 2)  // the expired code and the old audit row
        #expect(try await store.auditEvents(limit: 10).map(\.event) == ["new"])
    }

    static func authenticationFailuresCountLockAndClear(_ store: any AuthorizationStore) async throws {
        let now = now
        // Forty concurrent failures (as from several nodes) all count.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask { _ = try? await store.countAuthenticationFailure(key: "user:ålice", at: now, resetBefore: now.addingTimeInterval(-60)) }
            }
        }
        #expect(try await store.countAuthenticationFailure(key: "user:ålice", at: now, resetBefore: now.addingTimeInterval(-60)) == 41)
        // A failure after the reset interval starts again from one.
        let later = now.addingTimeInterval(120)
        #expect(try await store.countAuthenticationFailure(key: "user:ålice", at: later, resetBefore: later.addingTimeInterval(-60)) == 1)

        // A later lock stays; an earlier one does not shorten it.
        try await store.lockAuthentication(key: "user:ålice", until: later.addingTimeInterval(30))
        try await store.lockAuthentication(key: "user:ålice", until: later.addingTimeInterval(10))
        _ = try await store.countAuthenticationFailure(key: "ip:192.0.2.1", at: later, resetBefore: now)
        try await store.lockAuthentication(key: "ip:192.0.2.1", until: later.addingTimeInterval(5))
        // Locking a key that never failed creates nothing.
        try await store.lockAuthentication(key: "user:nobody", until: later.addingTimeInterval(5))
        #expect(try await store.authenticationLockouts(at: later, limit: 10) == ["user:ålice": later.addingTimeInterval(30), "ip:192.0.2.1": later.addingTimeInterval(5)])
        #expect(try await store.authenticationLockouts(at: later, limit: 1) == ["user:ålice": later.addingTimeInterval(30)])
        #expect(try await store.authenticationLockouts(at: later.addingTimeInterval(6), limit: 10).keys.sorted() == ["user:ålice"])

        // A success does not clear a lock in force (set by another node, not yet seen there).
        try await store.clearAuthenticationFailures(key: "user:ålice", at: later)
        #expect(try await store.authenticationLockouts(at: later, limit: 10).count == 2)
        try await store.clearAuthenticationFailures(key: "user:ålice", at: later.addingTimeInterval(31))
        #expect(try await store.authenticationLockouts(at: later, limit: 10).keys.sorted() == ["ip:192.0.2.1"])
        #expect(try await store.countAuthenticationFailure(key: "user:ålice", at: later, resetBefore: now) == 1)

        // Cleanup forgets counts idle for an hour once unlocked, and keeps the rest.
        #expect(try await store.deleteExpired(before: later.addingTimeInterval(3599), auditBefore: now, limit: 1000) == 0)
        #expect(try await store.deleteExpired(before: later.addingTimeInterval(3601), auditBefore: now, limit: 1000) == 2)
    }

    /// A DPoP-bound refresh token (RFC 9449 §5.2) keeps its key's thumbprint; an unbound one has
    /// none.
    static func aRefreshTokenKeepsItsKeyBinding(_ store: any AuthorizationStore) async throws {
        let bound = RefreshTokenRecord(hash: OpaqueToken.hash("bound"), familyID: "f", clientID: "c", subject: "s", scope: ["a"], audience: ["x"],
                                       issuedAt: now, expiresAt: now.addingTimeInterval(60), keyThumbprint: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
        let unbound = RefreshTokenRecord(hash: OpaqueToken.hash("unbound"), familyID: "f", clientID: "c", subject: "s", scope: ["a"], audience: ["x"],
                                         issuedAt: now, expiresAt: now.addingTimeInterval(60))
        try await store.storeRefreshToken(bound)
        try await store.storeRefreshToken(unbound)
        #expect(try await store.refreshToken(hash: bound.hash) == bound)
        #expect(try await store.refreshToken(hash: unbound.hash)?.keyThumbprint == nil)
        guard case .redeemed(let redeemed) = try await store.redeemRefreshToken(hash: bound.hash, at: now, rotatedInto: unbound.hash) else {
            Issue.record("a bound token is redeemed like any other")
            return
        }
        #expect(redeemed.keyThumbprint == bound.keyThumbprint)
    }

    /// A client that must use DPoP (RFC 9449 §5.2) is stored as such; others are not.
    static func aClientKeepsItsDPoPRequirement(_ store: any AuthorizationStore) async throws {
        let strict = ClientRecord(id: "strict", secretHash: nil, grants: [.password], scopes: [], requiresDPoP: true, createdAt: now)
        let lax = ClientRecord(id: "lax", secretHash: [1], grants: [.clientCredentials], scopes: [], createdAt: now)
        try await store.createClient(strict)
        try await store.createClient(lax)
        #expect(try await store.client(id: "strict") == strict)
        #expect(try await store.client(id: "lax")?.requiresDPoP == false)
    }

    /// A code bound with `dpop_jkt` (RFC 9449 §10) keeps the thumbprint, read and redeemed.
    static func anAuthorizationCodeKeepsItsKeyBinding(_ store: any AuthorizationStore) async throws {
        let code = AuthorizationCodeRecord(hash: OpaqueToken.hash("bound-code"), clientID: "c", subject: "s", scope: ["a"], audience: ["x"], redirectURI: "https://x/cb",
                                           codeChallenge: "ch", familyID: "f", expiresAt: now.addingTimeInterval(60), dpopKeyThumbprint: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
        try await store.storeAuthorizationCode(code)
        #expect(try await store.authorizationCode(hash: code.hash) == code)
        guard case .redeemed(let redeemed) = try await store.redeemAuthorizationCode(hash: code.hash, at: now) else {
            Issue.record("a bound code is redeemed like any other")
            return
        }
        #expect(redeemed.dpopKeyThumbprint == code.dpopKeyThumbprint)
    }
}
