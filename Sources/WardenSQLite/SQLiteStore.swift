import Foundation
public import Logging
import NIOCore
import SQLiteNIO
import WardenCore
public import WardenServer

/// ``AuthorizationStore`` on one SQLite file (sqlite-nio): Warden's zero-setup default. The
/// file is created with its schema on first open, in WAL mode so the `warden` admin commands can
/// write while a server runs (a busy database is retried for up to ``busyTimeout``).
/// Single-use redemptions are single `UPDATE … RETURNING` statements, so they are atomic.
public final class SQLiteStore: AuthorizationStore {
    let connection: SQLiteConnection
    public let path: String
    let logger: Logger

    /// How long a statement waits for another process's write lock.
    public static let busyTimeoutMilliseconds = 5000

    private init(connection: SQLiteConnection, path: String, logger: Logger) {
        self.connection = connection
        self.path = path
        self.logger = logger
    }

    /// Opens (and creates, with its schema) the database at `path`. `":memory:"` is a private
    /// in-memory database.
    public static func open(path: String, logger: Logger = Logger(label: "warden.sqlite")) async throws -> SQLiteStore {
        let connection: SQLiteConnection
        do {
            // Bcrypt hashes, sealed keys and the audit: readable by the owner only, from the
            // first byte (SQLite gives the -wal and -shm files the database's mode).
            if path != ":memory:" {
                try PrivateFile.createIfMissing(path)
                if PrivateFile.isReadableByOthers(path) {
                    logger.warning("the database file can be read by others (bcrypt hashes, sealed keys, audit); chmod 600 it", metadata: ["path": "\(path)"])
                }
            }
            connection = try await SQLiteConnection.open(storage: path == ":memory:" ? .memory : .file(path: path), logger: logger)
        } catch let failure as PrivateFile.Failure {
            throw StoreError(.unavailable, "cannot open \(path): \(failure)", reason: failure.description)
        } catch {
            let reason = access(path, R_OK | W_OK) != 0
                ? "cannot read and write \(path) (running as uid \(getuid())): check the file's owner and mode"
                : "cannot open \(path) as a SQLite database (\(error))"
            throw StoreError(.unavailable, "cannot open \(path): \(error)", reason: reason)
        }
        let store = SQLiteStore(connection: connection, path: path, logger: logger)
        do {
            try await store.execute("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)")
            for statement in SQLiteSchema.statements {
                try await store.execute(statement)
            }
            for added in SQLiteSchema.addedColumns {
                func exists() async throws -> Bool {
                    try await store.query("PRAGMA table_info(\(added.table))").contains { (try? $0.string("name")) == added.column }
                }
                guard try await !exists() else { continue }
                do {
                    try await store.execute("ALTER TABLE \(added.table) ADD COLUMN \(added.column) \(added.type)")
                } catch {
                    // Another process opening the file at the same moment may have added it.
                    guard try await exists() else { throw error }
                }
            }
        } catch {
            // Closed on every path (SQLiteNIO asserts an open connection is never dropped), and
            // the cause said: a file that is not a database, or one this user may not write.
            try? await connection.close()
            let text = (error as? StoreError)?.debugDescription ?? String(describing: error)
            let reason: String
            if text.contains("notADatabase") || text.contains("not a database") {
                reason = "\(path) is not a SQLite database (a file of something else?); give --database another path"
            } else if text.contains("readOnly") || text.contains("readonly") || text.contains("cantOpen") || text.contains("permission") {
                reason = "cannot write \(path) (running as uid \(getuid())): check the file's and its directory's owner and mode"
            } else {
                reason = "cannot use \(path) as a SQLite database (\(text))"
            }
            throw StoreError(.unavailable, text, reason: reason)
        }
        return store
    }

    public func close() async throws {
        try await connection.close()
    }

    /// One node uses a SQLite file alone: no other node's changes to tell.
    public var changeNotifier: (any StoreChangeNotifier)? { nil }

    // MARK: Helpers

    @discardableResult
    func query(_ sql: String, _ binds: [SQLiteData] = []) async throws(StoreError) -> [SQLiteRow] {
        do {
            return try await connection.query(sql, binds)
        } catch let error as SQLiteError {
            if [.constraint, .constraintPrimaryKeyFailed, .constraintUniqueFailed].contains(error.reason) {
                throw StoreError(.conflict, "\(error)")
            }
            throw StoreError(.unavailable, "\(error)")
        } catch {
            throw StoreError(.unavailable, "\(error)")
        }
    }

    func execute(_ sql: String) async throws(StoreError) {
        try await query(sql)
    }

    static func date(_ date: Date) -> SQLiteData { .float(date.timeIntervalSince1970) }
    static func date(_ date: Date?) -> SQLiteData { date.map { .float($0.timeIntervalSince1970) } ?? .null }
    static func blob(_ bytes: [UInt8]) -> SQLiteData { .blob(ByteBuffer(bytes: bytes)) }
    static func text(_ value: String?) -> SQLiteData { value.map(SQLiteData.text) ?? .null }
    static func lines(_ values: [String]) -> SQLiteData { .text(StoredText.text(lines: values)) }
}

extension SQLiteRow {
    func string(_ name: String) throws(StoreError) -> String {
        guard let value = column(name)?.string else { throw StoreError(.corrupt, "column \(name) is not text") }
        return value
    }
    func optionalString(_ name: String) -> String? {
        guard let data = column(name), !data.isNull else { return nil }
        return data.string
    }
    func date(_ name: String) throws(StoreError) -> Date {
        guard let value = column(name)?.double else { throw StoreError(.corrupt, "column \(name) is not a time") }
        return Date(timeIntervalSince1970: value)
    }
    func optionalDate(_ name: String) -> Date? {
        guard let data = column(name), !data.isNull, let value = data.double else { return nil }
        return Date(timeIntervalSince1970: value)
    }
    func bytes(_ name: String) throws(StoreError) -> [UInt8] {
        guard let buffer = column(name)?.blob else { throw StoreError(.corrupt, "column \(name) is not a blob") }
        return Array(buffer.readableBytesView)
    }
    func optionalBytes(_ name: String) -> [UInt8]? {
        column(name)?.blob.map { Array($0.readableBytesView) }
    }
    func int(_ name: String) throws(StoreError) -> Int64 {
        guard let value = column(name)?.integer else { throw StoreError(.corrupt, "column \(name) is not an integer") }
        return Int64(value)
    }
    func scopes(_ name: String) throws(StoreError) -> ScopeSet { try StoredText.scopes(try string(name), column: name) }
    func lines(_ name: String) throws(StoreError) -> [String] { StoredText.lines(try string(name)) }
}
