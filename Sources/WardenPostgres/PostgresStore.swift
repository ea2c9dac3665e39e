import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import WardenCore
import WardenServer

/// ``AuthorizationStore`` on PostgreSQL (postgres-nio), for several `warden serve` nodes sharing
/// one database. Single-use redemptions are single `UPDATE … RETURNING` statements; revocations
/// are written under a transaction-scoped advisory lock, so feed cursors are handed out in commit
/// order and a reader following the cursor never skips an entry.
///
/// The connection pool runs as a swift-service-lifecycle `Service`: run it (``run()``) for as
/// long as the store is used.
public final class PostgresStore: AuthorizationStore, Service {
    let client: PostgresClient
    let logger: Logger
    /// The advisory lock that orders revocation cursors (an arbitrary constant: "warden-rv").
    static let revocationLock: Int64 = 0x7761_7264_656E_7276

    public init(configuration: PostgresClient.Configuration, logger: Logger = Logger(label: "warden.postgres")) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// From a URL: `postgres://user:password@host:port/database` (TLS off; loopback and private
    /// networks only — put TLS in the configuration for anything else).
    public convenience init(url: String, logger: Logger = Logger(label: "warden.postgres")) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, let user = components.user
        else { throw StoreError(.unavailable, "not a postgres:// URL") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: .disable
        )
        self.init(configuration: configuration, logger: logger)
    }

    public func run() async {
        await client.run()
    }

    /// Creates the schema if needed (under an advisory lock, so nodes starting together do not race).
    public func migrate() async throws {
        try await translate {
            try await client.withConnection { connection in
                try await connection.query("SELECT pg_advisory_lock(\(Self.revocationLock + 1))", logger: logger)
                do {
                    for statement in PostgresSchema.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                } catch {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.revocationLock + 1))", logger: logger)
                    throw error
                }
                try await connection.query("SELECT pg_advisory_unlock(\(Self.revocationLock + 1))", logger: logger)
            }
        }
    }

    // MARK: Helpers

    func translate<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch let error as PSQLError {
            // 23505 unique_violation: the row exists.
            if error.serverInfo?[.sqlState] == "23505" { throw StoreError(.conflict, "\(error)") }
            throw StoreError(.unavailable, String(reflecting: error))
        } catch {
            throw StoreError(.unavailable, "\(error)")
        }
    }

    /// Runs `query` and returns its rows, random-access.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await translate {
            var result: [PostgresRandomAccessRow] = []
            for try await row in try await client.query(query, logger: logger) {
                result.append(row.makeRandomAccess())
            }
            return result
        }
    }

    static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }
    static func seconds(_ date: Date?) -> Double? { date?.timeIntervalSince1970 }
    static func bytes(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
}

extension PostgresRandomAccessRow {
    func string(_ name: String) throws -> String {
        do { return try self[name].decode(String.self) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func optionalString(_ name: String) throws -> String? {
        do { return try self[name].decode(String?.self) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func date(_ name: String) throws -> Date {
        do { return Date(timeIntervalSince1970: try self[name].decode(Double.self)) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func optionalDate(_ name: String) throws -> Date? {
        do { return try self[name].decode(Double?.self).map(Date.init(timeIntervalSince1970:)) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func bytes(_ name: String) throws -> [UInt8] {
        do { return Array(try self[name].decode(ByteBuffer.self).readableBytesView) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func optionalBytes(_ name: String) throws -> [UInt8]? {
        do { return try self[name].decode(ByteBuffer?.self).map { Array($0.readableBytesView) } } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func int(_ name: String) throws -> Int64 {
        do { return try self[name].decode(Int64.self) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func scopes(_ name: String) throws -> ScopeSet { try StoredText.scopes(try string(name), column: name) }
    func lines(_ name: String) throws -> [String] { StoredText.lines(try string(name)) }
}
