import Foundation
import Logging
import PostgresNIO
import SQLiteNIO
import Testing
import WardenCore
import WardenPostgres
import WardenServer
import WardenSQLite
import WardenStoreConformance

/// What the server relies on from any `AuthorizationStore` (the shipped suite,
/// `AuthorizationStoreConformance`), checked the same way on every backend: SQLite always; PostgreSQL when `WARDEN_POSTGRES_URL` names a server (a fresh
/// database is created per test and dropped after). CI (`CI=true`) starts one and never skips it.
@Suite struct StoreConformanceTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqliteFile
        case postgres
        var testDescription: String { rawValue }

        static var postgresURL: String? { ProcessInfo.processInfo.environment["WARDEN_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }

        /// SQLite, plus PostgreSQL when configured.
        static var available: [Backend] {
            postgresURL == nil ? [.sqliteFile] : [.sqliteFile, .postgres]
        }
    }

    @Test func postgresIsNeverSkippedInCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(Backend.postgresURL != nil, "CI must set WARDEN_POSTGRES_URL (.ci/run starts PostgreSQL)")
        }
    }

    /// Rows whose list text is not Warden's canonical spelling (written by SQL, by hand or by an
    /// older version) are updated like any other: the compare-and-set compares the text as
    /// stored (issue 14's review found it refusing such rows for ever); a change in between
    /// still fails it.
    @Test(arguments: Backend.available)
    func rowsWrittenBySQLAreUpdatedToo(_ backend: Backend) async throws {
        try await withStore(backend) { store, execute in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            try await store.createUser(UserRecord(name: "alice", passwordHash: "$2b$04$a", scopes: ["a.read", "a.write"], createdAt: now))
            try await store.createClient(ClientRecord(id: "svc", secretHash: [1, 2, 3], grants: [.clientCredentials, .tokenExchange], scopes: ["a.read", "a.write"],
                                                      redirectURIs: [], audiences: ["api"], createdAt: now))
            let prefix = backend == .postgres ? "warden_" : ""
            try await execute("UPDATE \(prefix)users SET scopes = 'a.write a.read' WHERE name = 'alice'")
            try await execute("UPDATE \(prefix)clients SET scopes = 'a.write a.read', grants = 'urn:ietf:params:oauth:grant-type:token-exchange client_credentials' WHERE id = 'svc'")

            let alice = try #require(try await store.user(named: "alice"))
            var narrowed = alice
            narrowed.scopes = ["a.read"]
            #expect(try await store.updateUser(narrowed, replacing: alice))
            #expect(try await store.user(named: "alice") == narrowed)
            #expect(try await !store.updateUser(alice, replacing: alice))
            let svc = try #require(try await store.client(id: "svc"))
            var client = svc
            client.scopes = ["a.read"]
            #expect(try await store.updateClient(client, replacing: svc))
            #expect(try await store.client(id: "svc") == client)
            #expect(try await !store.updateClient(svc, replacing: svc))
        }
    }

    func withStore(_ backend: Backend, _ body: @Sendable (any AuthorizationStore) async throws -> Void) async throws {
        try await withStore(backend) { store, _ in try await body(store) }
    }

    /// A fresh store of `backend`, and a way to run raw SQL on its database (as an operator with
    /// `sqlite3` or `psql` would).
    func withStore(_ backend: Backend, _ body: @Sendable (any AuthorizationStore, _ execute: @Sendable (String) async throws -> Void) async throws -> Void) async throws {
        switch backend {
        case .sqliteFile:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString).sqlite").path
            let store = try await SQLiteStore.open(path: path)
            let execute: @Sendable (String) async throws -> Void = { sql in
                let raw = try await SQLiteConnection.open(storage: .file(path: path))
                do { _ = try await raw.query(sql) } catch { try? await raw.close(); throw error }
                try await raw.close()
            }
            do { try await body(store, execute) } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        case .postgres:
            try await PostgresTestDatabase.with(url: try #require(Backend.postgresURL)) { url in
                let store = try PostgresStore(url: url)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await store.run() }
                    do {
                        try await store.migrate()
                        try await body(store) { sql in try await PostgresTestDatabase.execute(sql, at: url) }
                    } catch {
                        group.cancelAll()
                        throw error
                    }
                    group.cancelAll()
                }
            }
        }
    }

    /// The shipped suite (`WardenStoreConformance`), every check on every backend.
    @Test(arguments: Backend.available, AuthorizationStoreConformance.checks)
    func conforms(_ backend: Backend, _ check: AuthorizationStoreConformance.Check) async throws {
        try await withStore(backend) { store in try await check.run(on: store) }
    }

    /// The suite is whole: a check dropped from the list would pass by not running.
    @Test func everyCheckIsListed() {
        #expect(AuthorizationStoreConformance.checks.count == 17)
        #expect(Set(AuthorizationStoreConformance.checks.map(\.name)).count == AuthorizationStoreConformance.checks.count)
    }
}
