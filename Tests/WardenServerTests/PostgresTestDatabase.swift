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
        let admin = PostgresClient(
            configuration: .init(host: host, port: components.port ?? 5432, username: user, password: components.password,
                                 database: String(components.path.dropFirst()).isEmpty ? nil : String(components.path.dropFirst()), tls: .disable),
            backgroundLogger: Logger(label: "postgres-test-admin")
        )
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

    struct PostgresTestDatabaseError: Error, CustomStringConvertible {
        let description: String
    }
}
