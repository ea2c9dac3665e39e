import Foundation
import SQLiteNIO
public import WardenCore
public import WardenServer

extension SQLiteStore {
    // MARK: Scopes

    public func createScope(_ scope: ScopeRecord) async throws(StoreError) {
        try await query("INSERT INTO scopes (name, description) VALUES (?, ?)", [.text(scope.scope.rawValue), .text(scope.description)])
    }

    public func scopes() async throws(StoreError) -> [ScopeRecord] {
        try await query("SELECT name, description FROM scopes ORDER BY name").map { (row) throws(StoreError) in
            guard let scope = try? Scope(validating: try row.string("name")) else { throw StoreError(.corrupt, "invalid scope name") }
            return ScopeRecord(scope: scope, description: try row.string("description"))
        }
    }

    public func deleteScope(_ scope: Scope) async throws(StoreError) -> Bool {
        !(try await query("DELETE FROM scopes WHERE name = ? RETURNING name", [.text(scope.rawValue)])).isEmpty
    }

    // MARK: Clients

    public func createClient(_ client: ClientRecord) async throws(StoreError) {
        try await query(
            """
            INSERT INTO clients (id, secret_hash, grants, scopes, redirect_uris, audiences, token_lifetime, created_at, requires_dpop, signing_keys, disabled)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(client.id),
                client.secretHash.map(Self.blob) ?? .null,
                .text(StoredText.text(client.grants)),
                .text(client.scopes.description),
                Self.lines(client.redirectURIs),
                Self.lines(client.audiences),
                client.accessTokenLifetime.map { .float($0.timeInterval) } ?? .null,
                Self.date(client.createdAt),
                .integer(client.requiresDPoP ? 1 : 0),
                .text(StoredText.text(signingKeys: client.signingKeys)),
                .integer(client.disabled ? 1 : 0),
            ]
        )
    }

    public func client(id: String) async throws(StoreError) -> ClientRecord? {
        try await query("SELECT * FROM clients WHERE id = ?", [.text(id)]).first.map(Self.client)
    }

    public func clients() async throws(StoreError) -> [ClientRecord] {
        try await query("SELECT * FROM clients ORDER BY id").map(Self.client)
    }

    public func updateClient(_ client: ClientRecord, replacing previous: ClientRecord) async throws(StoreError) -> Bool {
        func columns(_ record: ClientRecord) -> [SQLiteData] {
            [
                record.secretHash.map(Self.blob) ?? .null,
                .text(StoredText.text(record.grants)),
                .text(record.scopes.description),
                Self.lines(record.redirectURIs),
                Self.lines(record.audiences),
                record.accessTokenLifetime.map { .float($0.timeInterval) } ?? .null,
                .integer(record.requiresDPoP ? 1 : 0),
                .text(StoredText.text(signingKeys: record.signingKeys)),
                .integer(record.disabled ? 1 : 0),
            ]
        }
        // Compare-and-set against the stored text itself (issue 14): a row written by other
        // means (scopes in another order, say) parses equal to `previous` but is not its
        // canonical text, so comparing canonical text would fail for ever. The row is read,
        // checked against `previous` as parsed, and the UPDATE compares the very values read —
        // a change in between still fails the set. `IS` compares NULLs too.
        guard let row = try await query("SELECT * FROM clients WHERE id = ?", [.text(previous.id)]).first,
              try Self.client(row) == previous else { return false }
        let stored = Self.clientColumns.map { row.column($0) ?? .null }
        return !(try await query(
            """
            UPDATE clients SET secret_hash = ?, grants = ?, scopes = ?, redirect_uris = ?, audiences = ?, token_lifetime = ?, requires_dpop = ?, signing_keys = ?,
                disabled = ?
            WHERE id = ? AND secret_hash IS ? AND grants IS ? AND scopes IS ? AND redirect_uris IS ? AND audiences IS ? AND token_lifetime IS ? AND requires_dpop IS ?
                AND signing_keys IS ? AND disabled IS ?
            RETURNING id
            """,
            columns(client) + [.text(client.id)] + stored
        )).isEmpty
    }

    static let clientColumns = ["secret_hash", "grants", "scopes", "redirect_uris", "audiences", "token_lifetime", "requires_dpop", "signing_keys", "disabled"]

    public func deleteClient(id: String) async throws(StoreError) -> Bool {
        // A client created again under the same id starts its learning period anew.
        try await query("DELETE FROM scope_uses WHERE client_id = ?", [.text(id)])
        return !(try await query("DELETE FROM clients WHERE id = ? RETURNING id", [.text(id)])).isEmpty
    }

    static func client(_ row: SQLiteRow) throws(StoreError) -> ClientRecord {
        let lifetime = row.column("token_lifetime").flatMap { $0.isNull ? nil : $0.double }
        return ClientRecord(
            id: try row.string("id"),
            secretHash: row.optionalBytes("secret_hash"),
            grants: StoredText.grants(try row.string("grants")),
            scopes: try row.scopes("scopes"),
            redirectURIs: try row.lines("redirect_uris"),
            audiences: try row.lines("audiences"),
            accessTokenLifetime: StoredText.lifetime(seconds: lifetime),
            requiresDPoP: row.column("requires_dpop")?.integer == 1,
            signingKeys: try StoredText.signingKeys(try row.string("signing_keys"), column: "clients.signing_keys"),
            disabled: row.column("disabled")?.integer == 1,
            createdAt: try row.date("created_at")
        )
    }

    // MARK: Users

    public func createUser(_ user: UserRecord) async throws(StoreError) {
        try await query(
            "INSERT INTO users (name, password_hash, scopes, disabled, created_at, sessions_not_before) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(user.name), .text(user.passwordHash), .text(user.scopes.description), .integer(user.disabled ? 1 : 0), Self.date(user.createdAt),
             user.sessionsNotBefore.map(Self.date) ?? .null]
        )
    }

    public func user(named name: String) async throws(StoreError) -> UserRecord? {
        try await query("SELECT * FROM users WHERE name = ?", [.text(name)]).first.map(Self.user)
    }

    public func users() async throws(StoreError) -> [UserRecord] {
        try await query("SELECT * FROM users ORDER BY name").map(Self.user)
    }

    public func deleteUser(named name: String) async throws(StoreError) -> Bool {
        !(try await query("DELETE FROM users WHERE name = ? RETURNING name", [.text(name)])).isEmpty
    }

    public func updateUser(_ user: UserRecord, replacing previous: UserRecord) async throws(StoreError) -> Bool {
        func columns(_ record: UserRecord) -> [SQLiteData] {
            [.text(record.passwordHash), .text(record.scopes.description), .integer(record.disabled ? 1 : 0), record.sessionsNotBefore.map(Self.date) ?? .null]
        }
        // Against the stored values themselves, as `updateClient` (issue 14).
        guard let row = try await query("SELECT * FROM users WHERE name = ?", [.text(previous.name)]).first,
              try Self.user(row) == previous else { return false }
        let stored = ["password_hash", "scopes", "disabled", "sessions_not_before"].map { row.column($0) ?? .null }
        return !(try await query(
            """
            UPDATE users SET password_hash = ?, scopes = ?, disabled = ?, sessions_not_before = ?
            WHERE name = ? AND password_hash IS ? AND scopes IS ? AND disabled IS ? AND sessions_not_before IS ? RETURNING name
            """,
            columns(user) + [.text(user.name)] + stored
        )).isEmpty
    }

    static func user(_ row: SQLiteRow) throws(StoreError) -> UserRecord {
        UserRecord(
            name: try row.string("name"),
            passwordHash: try row.string("password_hash"),
            scopes: try row.scopes("scopes"),
            disabled: try row.int("disabled") != 0,
            createdAt: try row.date("created_at"),
            sessionsNotBefore: row.optionalDate("sessions_not_before")
        )
    }
}
