import Foundation
import Testing
import WardenPostgres
import WardenServer

/// One request's storage time: only time spent in storage counts against `query_timeout`; time
/// outside (bcrypt, a busy core) does not, so a healthy database never answers 503 to a slow
/// request. PostgreSQL over loopback (`WARDEN_POSTGRES_URL`).
@Suite(.enabled(if: StoreConformanceTests.Backend.postgresURL != nil, "needs WARDEN_POSTGRES_URL"))
struct StorageRequestBudgetTests {
    @Test func timeOutsideStorageIsNotCountedAgainstTheQueryTimeout() async throws {
        try await PostgresTestDatabase.with(url: try #require(StoreConformanceTests.Backend.postgresURL)) { url in
            let store = try PostgresStore(url: PostgresTestDatabase.url(url, setting: "query_timeout", to: "3"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.run() }
                defer { group.cancelAll() }
                // Set up with time to spare: on a loaded machine (the whole suite at once) the
                // first connection and the migration can take longer than the three seconds tested.
                try await Self.migrate(url)
                // A connection open before the measured part (opening one can take a second).
                for _ in 0..<20 where (try? await store.scopes()) == nil { try await Task.sleep(for: .milliseconds(250)) }
                do {
                    try await StorageRequestBudget.run {
                        _ = try await store.scopes()
                        // Waiting outside storage (bcrypt, a busy core) for longer than the query timeout.
                        try await Task.sleep(for: .seconds(5))
                        _ = try await store.scopes()
                        _ = try await store.setting("schema_version", defaultingTo: "1")
                    }
                } catch let error as StoreError {
                    // The backend's detail, which the error's description leaves out.
                    Issue.record("\(error.debugDescription)")
                    throw error
                }
            }
        }
    }

    static func migrate(_ url: String) async throws {
        let store = try PostgresStore(url: url)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
        }
    }
}
