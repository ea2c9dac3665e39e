import Foundation
import Logging
import PostgresNIO

/// A fresh PostgreSQL database for one test, created through the server named by a URL and
/// dropped afterwards.
enum PostgresTestDatabase {
    /// The `query_timeout` of the URL handed to tests: a request's storage time (pool waits
    /// included) is bounded by it, and the whole suite at once on a 2-core machine with
    /// PostgreSQL on the same cores took longer than the default 5 s ("storage unavailable").
    /// Tests of the timeout itself set their own (``url(_:setting:to:)``).
    static let queryTimeout = "30"

    /// `url` with the option `name` set to `value` (replaced if it was there: the store refuses
    /// an option given twice).
    static func url(_ url: String, setting name: String, to value: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.queryItems = (components.queryItems ?? []).filter { $0.name != name } + [URLQueryItem(name: name, value: value)]
        return components.string ?? url
    }

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
                try await body(Self.url(components.string!, setting: "query_timeout", to: queryTimeout))
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
