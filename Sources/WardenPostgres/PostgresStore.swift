import Foundation
public import Logging
import NIOCore
public import PostgresNIO
public import ServiceLifecycle
import WardenCore
public import WardenServer

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

    /// How long a statement may take, waiting for a connection included, before it fails as
    /// ``StoreError/Code/unavailable`` (so a node cut off from the database answers 503 instead
    /// of hanging).
    let queryTimeout: Duration

    /// Why connections fail, in words (from a URL only): asked at ``migrate()`` and while the
    /// database cannot be reached.
    let probe: PostgresConnectionProbe?
    let outage: PostgresOutageDiagnosis

    public convenience init(configuration: PostgresClient.Configuration, queryTimeout: Duration = .seconds(5), logger: Logger = Logger(label: "warden.postgres")) {
        self.init(configuration: configuration, queryTimeout: queryTimeout, probe: nil, logger: logger)
    }

    init(configuration: PostgresClient.Configuration, queryTimeout: Duration, probe: PostgresConnectionProbe?, logger: Logger) {
        // The pool logs every failed connection attempt at info, a dozen a minute while the
        // database is away; the store says why once (``PostgresOutageDiagnosis``). At debug and
        // trace they are all shown.
        var background = logger
        if background.logLevel > .debug { background.logLevel = max(background.logLevel, .warning) }
        self.client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.queryTimeout = queryTimeout
        self.logger = logger
        self.probe = probe
        self.outage = PostgresOutageDiagnosis(probe: probe, logger: logger)
    }

    /// From a URL: `postgres://user:password@host:port/database?sslmode=…&pool_max=…` — see
    /// ``PostgresConnectionURL`` for the parameters.
    public convenience init(url: String, logger: Logger = Logger(label: "warden.postgres")) throws {
        let parsed = try PostgresConnectionURL(url)
        self.init(configuration: parsed.configuration, queryTimeout: parsed.queryTimeout, probe: PostgresConnectionProbe(url: parsed), logger: logger)
    }

    public func run() async {
        await client.run()
    }

    /// Creates the schema if needed (under an advisory lock, so nodes starting together do not
    /// race). A database that cannot be reached fails here at once with the cause in words
    /// (one direct connection first), not after the pool's retries and the query timeout.
    public func migrate() async throws {
        if let probe, let failure = await probe.run(logger: logger) { throw failure }
        try await translate { [self] in
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

    /// Runs `body` within ``queryTimeout`` (within what is left of it, inside a request that
    /// already spent some: ``StorageRequestBudget``) and turns every failure into a ``StoreError``.
    func translate<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws(StoreError) -> T {
        let started = ContinuousClock.now
        defer { StorageRequestBudget.record(ContinuousClock.now - started) }
        do {
            let timeout = StorageRequestBudget.remaining(of: queryTimeout)
            guard timeout > .zero else {
                throw StoreError(.unavailable, "this request spent its query_timeout (\(queryTimeout)) waiting on earlier statements")
            }
            let result = try await Deadline.run(timeout, body)
            outage.answered()
            return result
        } catch let error as StoreError where error.code == .unavailable && error.reason == nil {
            // The statement's deadline passed: say why connections fail, if that is known.
            throw StoreError(.unavailable, error.debugDescription, reason: outage.reason())
        } catch let error as StoreError {
            throw error
        } catch let error as PSQLError {
            // 23505 unique_violation: the row exists.
            let state = error.serverInfo?[.sqlState]
            if state == "23505" { throw StoreError(.conflict, "\(error)") }
            if let state {
                // The server answered and refused: its words, and what usually fixes it.
                throw StoreError(.unavailable, String(reflecting: error), reason: Self.explanation(sqlState: state, message: error.serverInfo?[.message] ?? ""))
            }
            throw StoreError(.unavailable, String(reflecting: error), reason: outage.reason())
        } catch {
            // The pool's own errors (its circuit breaker after failed connections, say).
            throw StoreError(.unavailable, "\(error)", reason: outage.reason())
        }
    }

    /// A statement the server refused, in words, with the usual fix for the common cases.
    static func explanation(sqlState state: String, message: String) -> String {
        let refused = "PostgreSQL refused a statement (\(state): \(message))"
        switch state {
        case "42501": return refused + "; the database user needs the right to create tables in its schema (GRANT CREATE ON SCHEMA public, or make it the database's owner)"
        case "25006": return refused + "; this database is read-only (a standby?): point the URL at the primary"
        case "53100": return refused + "; the database server's disk is full"
        case "57P01", "57P02", "57P03": return refused + "; the server is shutting down or starting up"
        default: return refused
        }
    }

    /// Runs `query` and returns its rows, random-access.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws(StoreError) -> [PostgresRandomAccessRow] {
        let client = client
        let logger = logger
        return try await translate {
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
    func string(_ name: String) throws(StoreError) -> String {
        do { return try self[name].decode(String.self) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func optionalString(_ name: String) throws(StoreError) -> String? {
        do { return try self[name].decode(String?.self) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func date(_ name: String) throws(StoreError) -> Date {
        do { return Date(timeIntervalSince1970: try self[name].decode(Double.self)) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func optionalDate(_ name: String) throws(StoreError) -> Date? {
        do { return try self[name].decode(Double?.self).map(Date.init(timeIntervalSince1970:)) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func optionalDouble(_ name: String) throws(StoreError) -> Double? {
        do { return try self[name].decode(Double?.self) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func bytes(_ name: String) throws(StoreError) -> [UInt8] {
        do { return Array(try self[name].decode(ByteBuffer.self).readableBytesView) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func optionalBytes(_ name: String) throws(StoreError) -> [UInt8]? {
        do { return try self[name].decode(ByteBuffer?.self).map { Array($0.readableBytesView) } } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func int(_ name: String) throws(StoreError) -> Int64 {
        do { return try self[name].decode(Int64.self) } catch { throw StoreError(.corrupt, "column \(name)") }
    }
    func scopes(_ name: String) throws(StoreError) -> ScopeSet { try StoredText.scopes(try string(name), column: name) }
    func lines(_ name: String) throws(StoreError) -> [String] { StoredText.lines(try string(name)) }
}
