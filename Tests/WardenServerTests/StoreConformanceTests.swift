import Foundation
import Logging
import PostgresNIO
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

    func withStore(_ backend: Backend, _ body: @Sendable (any AuthorizationStore) async throws -> Void) async throws {
        switch backend {
        case .sqliteFile:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString).sqlite").path
            let store = try await SQLiteStore.open(path: path)
            do { try await body(store) } catch {
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
                        try await body(store)
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
        #expect(AuthorizationStoreConformance.checks.count == 13)
        #expect(Set(AuthorizationStoreConformance.checks.map(\.name)).count == AuthorizationStoreConformance.checks.count)
    }
}
