import Foundation
import Logging
import PostgresNIO

/// A fresh PostgreSQL database for one test, created through the server named by a URL and
/// dropped afterwards.
enum PostgresTestDatabase {
    static func with(url: String, _ body: (String) async throws -> Void) async throws {
        guard var components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw PostgresTestDatabaseError(description: "WARDEN_POSTGRES_URL is not a postgres:// URL")
        }
        let admin = client(host: host, components: components, user: user)
        let name = "warden_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        components.path = "/" + name
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.run() }
            defer { group.cancelAll() }
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            do {
                try await body(components.string!)
            } catch {
                _ = try? await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
                throw error
            }
            try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
    }

    /// Runs `sql` in the database named by `url`, as a person with `psql` would (tests that
    /// write rows the store itself never writes).
    static func execute(_ sql: String, at url: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw PostgresTestDatabaseError(description: "not a postgres:// URL")
        }
        let client = client(host: host, components: components, user: user)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql))
        }
    }

    private static func client(host: String, components: URLComponents, user: String) -> PostgresClient {
        PostgresClient(
            configuration: .init(host: host, port: components.port ?? 5432, username: user, password: components.password,
                                 database: String(components.path.dropFirst()).isEmpty ? nil : String(components.path.dropFirst()), tls: .disable),
            backgroundLogger: Logger(label: "postgres-test-admin")
        )
    }

    struct PostgresTestDatabaseError: Error, CustomStringConvertible {
        let description: String
    }
}
