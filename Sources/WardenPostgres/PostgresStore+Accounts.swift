import Foundation
import PostgresNIO
public import WardenCore
public import WardenServer

extension PostgresStore {
    public func createScope(_ scope: ScopeRecord) async throws(StoreError) {
        try await rows("INSERT INTO warden_scopes (name, description) VALUES (\(scope.scope.rawValue), \(scope.description))")
    }

    public func scopes() async throws(StoreError) -> [ScopeRecord] {
        try await rows("SELECT name, description FROM warden_scopes ORDER BY name").map { (row) throws(StoreError) in
            guard let scope = try? Scope(validating: try row.string("name")) else { throw StoreError(.corrupt, "invalid scope name") }
            return ScopeRecord(scope: scope, description: try row.string("description"))
        }
    }

    public func deleteScope(_ scope: Scope) async throws(StoreError) -> Bool {
        !(try await rows("DELETE FROM warden_scopes WHERE name = \(scope.rawValue) RETURNING name")).isEmpty
    }

    public func createClient(_ client: ClientRecord) async throws(StoreError) {
        let grants = StoredText.text(client.grants)
        let secret = client.secretHash.map(Self.bytes)
        let lifetime = client.accessTokenLifetime?.timeInterval
        try await rows("""
            INSERT INTO warden_clients (id, secret_hash, grants, scopes, redirect_uris, audiences, token_lifetime, created_at, requires_dpop, signing_keys, disabled)
            VALUES (\(client.id), \(secret), \(grants), \(client.scopes.description), \(StoredText.text(lines: client.redirectURIs)),
                    \(StoredText.text(lines: client.audiences)), \(lifetime), \(Self.seconds(client.createdAt)), \(client.requiresDPoP),
                    \(StoredText.text(signingKeys: client.signingKeys)), \(client.disabled))
            """)
    }

    public func client(id: String) async throws(StoreError) -> ClientRecord? {
        try await rows("SELECT * FROM warden_clients WHERE id = \(id)").first.map(Self.client)
    }

    public func clients() async throws(StoreError) -> [ClientRecord] {
        try await rows("SELECT * FROM warden_clients ORDER BY id").map(Self.client)
    }

    public func updateClient(_ client: ClientRecord, replacing previous: ClientRecord) async throws(StoreError) -> Bool {
        let (grants, secret, lifetime) = (StoredText.text(client.grants), client.secretHash.map(Self.bytes), client.accessTokenLifetime?.timeInterval)
        // Compare-and-set against the stored text itself (issue 14): a row written by other
        // means (scopes in another order, say) parses equal to `previous` but is not its
        // canonical text, so comparing canonical text would fail for ever. The row is read,
        // checked against `previous` as parsed, and the UPDATE compares the very values read
        // (a lifetime stored as 600.0004 reads as 600 s) — a change in between still fails the
        // set. `IS NOT DISTINCT FROM` compares NULLs too.
        guard let row = try await rows("SELECT * FROM warden_clients WHERE id = \(previous.id)").first,
              try Self.client(row) == previous else { return false }
        return !(try await rows("""
            UPDATE warden_clients SET secret_hash = \(secret), grants = \(grants), scopes = \(client.scopes.description),
                redirect_uris = \(StoredText.text(lines: client.redirectURIs)), audiences = \(StoredText.text(lines: client.audiences)),
                token_lifetime = \(lifetime), requires_dpop = \(client.requiresDPoP), signing_keys = \(StoredText.text(signingKeys: client.signingKeys)),
                disabled = \(client.disabled)
            WHERE id = \(client.id) AND secret_hash IS NOT DISTINCT FROM \(try row.optionalBytes("secret_hash").map(Self.bytes)) AND grants IS NOT DISTINCT FROM \(try row.string("grants"))
                AND scopes IS NOT DISTINCT FROM \(try row.string("scopes"))
                AND redirect_uris IS NOT DISTINCT FROM \(try row.string("redirect_uris"))
                AND audiences IS NOT DISTINCT FROM \(try row.string("audiences"))
                AND token_lifetime IS NOT DISTINCT FROM \(try row.optionalDouble("token_lifetime")) AND requires_dpop IS NOT DISTINCT FROM \(previous.requiresDPoP)
                AND signing_keys IS NOT DISTINCT FROM \(try row.string("signing_keys")) AND disabled IS NOT DISTINCT FROM \(previous.disabled)
            RETURNING id
            """)).isEmpty
    }

    public func deleteClient(id: String) async throws(StoreError) -> Bool {
        // A client created again under the same id starts its learning period anew.
        try await rows("DELETE FROM warden_scope_uses WHERE client_id = \(id)")
        return !(try await rows("DELETE FROM warden_clients WHERE id = \(id) RETURNING id")).isEmpty
    }

    static func client(_ row: PostgresRandomAccessRow) throws(StoreError) -> ClientRecord {
        let lifetime: Double?
        do { lifetime = try row["token_lifetime"].decode(Double?.self) } catch { throw StoreError(.corrupt, "column token_lifetime") }
        let requiresDPoP: Bool
        do { requiresDPoP = try row["requires_dpop"].decode(Bool.self) } catch { throw StoreError(.corrupt, "column requires_dpop") }
        let disabled: Bool
        do { disabled = try row["disabled"].decode(Bool.self) } catch { throw StoreError(.corrupt, "column disabled") }
        return ClientRecord(
            id: try row.string("id"),
            secretHash: try row.optionalBytes("secret_hash"),
            grants: StoredText.grants(try row.string("grants")),
            scopes: try row.scopes("scopes"),
            redirectURIs: try row.lines("redirect_uris"),
            audiences: try row.lines("audiences"),
            accessTokenLifetime: StoredText.lifetime(seconds: lifetime),
            requiresDPoP: requiresDPoP,
            signingKeys: try StoredText.signingKeys(try row.string("signing_keys"), column: "warden_clients.signing_keys"),
            disabled: disabled,
            createdAt: try row.date("created_at")
        )
    }

    public func createUser(_ user: UserRecord) async throws(StoreError) {
        try await rows("""
            INSERT INTO warden_users (name, password_hash, scopes, disabled, created_at, sessions_not_before)
            VALUES (\(user.name), \(user.passwordHash), \(user.scopes.description), \(user.disabled), \(Self.seconds(user.createdAt)),
                    \(Self.seconds(user.sessionsNotBefore)))
            """)
    }

    public func user(named name: String) async throws(StoreError) -> UserRecord? {
        try await rows("SELECT * FROM warden_users WHERE name = \(name)").first.map(Self.user)
    }

    public func users() async throws(StoreError) -> [UserRecord] {
        try await rows("SELECT * FROM warden_users ORDER BY name").map(Self.user)
    }

    public func deleteUser(named name: String) async throws(StoreError) -> Bool {
        !(try await rows("DELETE FROM warden_users WHERE name = \(name) RETURNING name")).isEmpty
    }

    public func updateUser(_ user: UserRecord, replacing previous: UserRecord) async throws(StoreError) -> Bool {
        // Against the stored text itself, as `updateClient` (issue 14).
        guard let row = try await rows("SELECT * FROM warden_users WHERE name = \(previous.name)").first,
              try Self.user(row) == previous else { return false }
        return !(try await rows("""
            UPDATE warden_users SET password_hash = \(user.passwordHash), scopes = \(user.scopes.description), disabled = \(user.disabled),
                sessions_not_before = \(Self.seconds(user.sessionsNotBefore))
            WHERE name = \(user.name) AND password_hash = \(try row.string("password_hash")) AND scopes = \(try row.string("scopes"))
                AND disabled = \(previous.disabled) AND sessions_not_before IS NOT DISTINCT FROM \(try row.optionalDouble("sessions_not_before"))
            RETURNING name
            """)).isEmpty
    }

    static func user(_ row: PostgresRandomAccessRow) throws(StoreError) -> UserRecord {
        UserRecord(
            name: try row.string("name"),
            passwordHash: try row.string("password_hash"),
            scopes: try row.scopes("scopes"),
            disabled: (try? row["disabled"].decode(Bool.self)) ?? true,
            createdAt: try row.date("created_at"),
            sessionsNotBefore: try row.optionalDate("sessions_not_before")
        )
    }
}
