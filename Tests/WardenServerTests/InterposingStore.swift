import Foundation
import WardenCore
import WardenServer

/// A real store (SQLite or PostgreSQL) with one point where a test can act in the middle of the
/// server's work: just before an issued token is recorded. Used to run all of `warden user
/// update` in the window between the server's reading of the user and the recording of the
/// token (issue 14) — the worst case, which timing alone would hit only by chance.
final class InterposingStore: AuthorizationStore {
    let base: any AuthorizationStore
    let beforeRecordingIssuedToken: @Sendable (IssuedTokenRecord) async -> Void

    init(_ base: any AuthorizationStore, beforeRecordingIssuedToken: @escaping @Sendable (IssuedTokenRecord) async -> Void) {
        self.base = base
        self.beforeRecordingIssuedToken = beforeRecordingIssuedToken
    }

    var changeNotifier: (any StoreChangeNotifier)? { base.changeNotifier }

    func createScope(_ scope: ScopeRecord) async throws(StoreError) {
        try await base.createScope(scope)
    }

    func scopes() async throws(StoreError) -> [ScopeRecord] {
        try await base.scopes()
    }

    func deleteScope(_ scope: Scope) async throws(StoreError) -> Bool {
        try await base.deleteScope(scope)
    }

    func createClient(_ client: ClientRecord) async throws(StoreError) {
        try await base.createClient(client)
    }

    func client(id: String) async throws(StoreError) -> ClientRecord? {
        try await base.client(id: id)
    }

    func clients() async throws(StoreError) -> [ClientRecord] {
        try await base.clients()
    }

    func updateClient(_ client: ClientRecord, replacing previous: ClientRecord) async throws(StoreError) -> Bool {
        try await base.updateClient(client, replacing: previous)
    }

    func deleteClient(id: String) async throws(StoreError) -> Bool {
        try await base.deleteClient(id: id)
    }

    func createUser(_ user: UserRecord) async throws(StoreError) {
        try await base.createUser(user)
    }

    func user(named name: String) async throws(StoreError) -> UserRecord? {
        try await base.user(named: name)
    }

    func users() async throws(StoreError) -> [UserRecord] {
        try await base.users()
    }

    func deleteUser(named name: String) async throws(StoreError) -> Bool {
        try await base.deleteUser(named: name)
    }

    func updateUser(_ user: UserRecord, replacing previous: UserRecord) async throws(StoreError) -> Bool {
        try await base.updateUser(user, replacing: previous)
    }

    func addSigningKey(_ key: StoredSigningKey) async throws(StoreError) {
        try await base.addSigningKey(key)
    }

    func signingKeys() async throws(StoreError) -> [StoredSigningKey] {
        try await base.signingKeys()
    }

    func retireSigningKey(id: String, at: Date, publishedUntil: Date) async throws(StoreError) {
        try await base.retireSigningKey(id: id, at: at, publishedUntil: publishedUntil)
    }

    func deleteUnpublishedSigningKeys(at now: Date) async throws(StoreError) -> Int {
        try await base.deleteUnpublishedSigningKeys(at: now)
    }

    func setting(_ name: String, defaultingTo value: String) async throws(StoreError) -> String {
        try await base.setting(name, defaultingTo: value)
    }

    func storeRefreshToken(_ token: RefreshTokenRecord) async throws(StoreError) {
        try await base.storeRefreshToken(token)
    }

    func redeemRefreshToken(hash: [UInt8], at: Date, rotatedInto successor: [UInt8]) async throws(StoreError) -> SingleUseRedemption<RefreshTokenRecord> {
        try await base.redeemRefreshToken(hash: hash, at: at, rotatedInto: successor)
    }

    func refreshTokenRotation(hash: [UInt8]) async throws(StoreError) -> RefreshTokenRotation? {
        try await base.refreshTokenRotation(hash: hash)
    }

    func revokeUnusedRefreshToken(hash: [UInt8], at: Date) async throws(StoreError) -> Bool {
        try await base.revokeUnusedRefreshToken(hash: hash, at: at)
    }

    func replaceRefreshTokenSuccessor(hash: [UInt8], previous: [UInt8], successor: [UInt8]) async throws(StoreError) -> Bool {
        try await base.replaceRefreshTokenSuccessor(hash: hash, previous: previous, successor: successor)
    }

    func refreshToken(hash: [UInt8]) async throws(StoreError) -> RefreshTokenRecord? {
        try await base.refreshToken(hash: hash)
    }

    func isRefreshTokenActive(hash: [UInt8]) async throws(StoreError) -> Bool {
        try await base.isRefreshTokenActive(hash: hash)
    }

    func revokeRefreshTokenFamily(_ familyID: String, at: Date) async throws(StoreError) {
        try await base.revokeRefreshTokenFamily(familyID, at: at)
    }

    func storeAuthorizationCode(_ code: AuthorizationCodeRecord) async throws(StoreError) {
        try await base.storeAuthorizationCode(code)
    }

    func redeemAuthorizationCode(hash: [UInt8], at: Date) async throws(StoreError) -> SingleUseRedemption<AuthorizationCodeRecord> {
        try await base.redeemAuthorizationCode(hash: hash, at: at)
    }

    func authorizationCode(hash: [UInt8]) async throws(StoreError) -> AuthorizationCodeRecord? {
        try await base.authorizationCode(hash: hash)
    }

    func recordIssuedToken(_ token: IssuedTokenRecord) async throws(StoreError) {
        await beforeRecordingIssuedToken(token)
        try await base.recordIssuedToken(token)
    }

    func issuedToken(id: String) async throws(StoreError) -> IssuedTokenRecord? {
        try await base.issuedToken(id: id)
    }

    func issuedTokens(family familyID: String) async throws(StoreError) -> [IssuedTokenRecord] {
        try await base.issuedTokens(family: familyID)
    }

    func issuedTokens(subject: String, liveAt now: Date) async throws(StoreError) -> [IssuedTokenRecord] {
        try await base.issuedTokens(subject: subject, liveAt: now)
    }

    func revokeIssuedTokens(derivedFrom clientID: String, liveAt now: Date) async throws(StoreError) {
        try await base.revokeIssuedTokens(derivedFrom: clientID, liveAt: now)
    }

    func refreshTokenFamilies(subject: String, liveAt now: Date) async throws(StoreError) -> [String] {
        try await base.refreshTokenFamilies(subject: subject, liveAt: now)
    }

    @discardableResult
    func revoke(tokenID: String, expiresAt: Date, at: Date) async throws(StoreError) -> RevocationRecord {
        try await base.revoke(tokenID: tokenID, expiresAt: expiresAt, at: at)
    }

    func isRevoked(tokenID: String) async throws(StoreError) -> Bool {
        try await base.isRevoked(tokenID: tokenID)
    }

    func revocations(after cursor: Int64, limit: Int) async throws(StoreError) -> [RevocationRecord] {
        try await base.revocations(after: cursor, limit: limit)
    }

    func appendAudit(_ event: AuditEvent) async throws(StoreError) {
        try await base.appendAudit(event)
    }

    func auditEvents(limit: Int) async throws(StoreError) -> [AuditEvent] {
        try await base.auditEvents(limit: limit)
    }

    func auditEvents(since: Date, named events: [String], limit: Int) async throws(StoreError) -> [AuditEvent] {
        try await base.auditEvents(since: since, named: events, limit: limit)
    }

    func countAuthenticationFailure(key: String, at: Date, resetBefore: Date) async throws(StoreError) -> Int {
        try await base.countAuthenticationFailure(key: key, at: at, resetBefore: resetBefore)
    }

    func lockAuthentication(key: String, until: Date) async throws(StoreError) {
        try await base.lockAuthentication(key: key, until: until)
    }

    func authenticationLockouts(at now: Date, limit: Int) async throws(StoreError) -> [String: Date] {
        try await base.authenticationLockouts(at: now, limit: limit)
    }

    func clearAuthenticationFailures(key: String, at now: Date) async throws(StoreError) {
        try await base.clearAuthenticationFailures(key: key, at: now)
    }

    func countSignal(key: String, adding occurrences: Int, at now: Date, windowStart: Date) async throws(StoreError) -> Int {
        try await base.countSignal(key: key, adding: occurrences, at: now, windowStart: windowStart)
    }

    func recordAlert(_ alert: AlertRecord, ongoingSince: Date) async throws(StoreError) -> (alert: AlertRecord, isNew: Bool) {
        try await base.recordAlert(alert, ongoingSince: ongoingSince)
    }

    func extendAlert(_ alert: AlertRecord, ongoingSince: Date) async throws(StoreError) -> AlertRecord? {
        try await base.extendAlert(alert, ongoingSince: ongoingSince)
    }

    func alerts(limit: Int) async throws(StoreError) -> [AlertRecord] {
        try await base.alerts(limit: limit)
    }

    func currentTime() async throws(StoreError) -> Date {
        try await base.currentTime()
    }

    func recordScopeUses(clientID: String, scopes: [String], at now: Date) async throws(StoreError) -> ScopeUseRecord {
        try await base.recordScopeUses(clientID: clientID, scopes: scopes, at: now)
    }

    func deleteExpired(before now: Date, auditBefore: Date, limit: Int) async throws(StoreError) -> Int {
        try await base.deleteExpired(before: now, auditBefore: auditBefore, limit: limit)
    }
}
