import ArgumentParser
import Configuration
import Foundation
import SystemPackage
import WardenPostgres
import WardenServer
import WardenSQLite

/// Where the database and master key are, and where settings come from: shared by `serve` and
/// every admin command, so they all work on the same state. Settings are read with
/// swift-configuration, first match wins: command-line options, environment variables
/// (`WARDEN_…`), then the JSON config file (`--config` or `WARDEN_CONFIG`), whose keys sit under
/// `"warden"`, e.g. `{"warden": {"database": "/var/lib/warden.sqlite", "port": 8080}}`.
///
/// Keys (environment variable in brackets): `warden.database` (WARDEN_DATABASE, default
/// `warden.sqlite`), `warden.masterKey` (WARDEN_MASTER_KEY, secret: 32 bytes, base64),
/// `warden.masterKeyFile` (WARDEN_MASTER_KEY_FILE, default `<database>.key`), and for `serve`:
/// `warden.host`, `warden.port`, `warden.issuer`, `warden.algorithm`, `warden.tokenLifetime`,
/// `warden.rotateEvery`, `warden.refreshRetryWindow`, `warden.logLevel`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite file (created with its schema on first use), or postgres://user:password@host:port/database?sslmode=…&pool_max=…&query_timeout=… (see the README). Env: WARDEN_DATABASE.", valueName: "path-or-url"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("Master key file, created with mode 0600 on first use; ignored when WARDEN_MASTER_KEY (32 bytes, base64) is set. Default: <database>.key. Env: WARDEN_MASTER_KEY_FILE.", valueName: "path"))
    var masterKeyFile: String?

    @Option(name: .long, help: ArgumentHelp("A JSON config file with settings under \"warden\" (see `warden serve --help`). Env: WARDEN_CONFIG.", valueName: "path"))
    var config: String?

    /// The settings: these options (and `extra` ones), then the environment, then the config file.
    func reader(extra: [AbsoluteConfigKey: ConfigValue] = [:]) async throws -> ConfigReader {
        var values = extra
        if let database { values["warden.database"] = .init(.string(database), isSecret: false) }
        if let masterKeyFile { values["warden.masterKeyFile"] = .init(.string(masterKeyFile), isSecret: false) }
        let environment = EnvironmentVariablesProvider(secretsSpecifier: .specific(["WARDEN_MASTER_KEY"]))
        var providers: [any ConfigProvider] = [InMemoryProvider(name: "arguments", values: values), environment]
        if let path = config ?? ProcessInfo.processInfo.environment["WARDEN_CONFIG"] {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(path)))
            } catch {
                throw CommandFailure(.configuration, "cannot read the config file \(path): \(error)")
            }
        }
        return ConfigReader(providers: providers)
    }

    /// The database location safe to print: a URL without its password.
    func printableDatabase(_ settings: ConfigReader) -> String {
        let location = databasePath(settings)
        guard location.contains("://"), var components = URLComponents(string: location), components.password != nil else { return location }
        components.password = nil
        return components.string ?? "(database URL)"
    }

    /// What an admin command needs to reach the database `serve` uses, to paste after it: the
    /// `--config` or `--database` given to serve (nothing when it came from the environment,
    /// which the admin command reads too). A URL holding a password is never printed, nor put in
    /// an argument list (`ps` shows those): `note` says to set `WARDEN_DATABASE`, which the admin
    /// commands read.
    func sameDatabaseArguments(_ settings: ConfigReader) -> (arguments: String, note: String?) {
        var arguments = ""
        var note: String?
        if let config { arguments += " --config " + Self.shellQuoted(config) }
        if let database {
            if database.contains("://"), URLComponents(string: database)?.password != nil {
                // The admin commands read WARDEN_DATABASE themselves: no password in their argv.
                note = "export WARDEN_DATABASE='<the database URL given to serve, password included>'"
            } else {
                arguments += " --database " + Self.shellQuoted(database)
            }
        }
        if let masterKeyFile { arguments += " --master-key-file " + Self.shellQuoted(masterKeyFile) }
        return (arguments, note)
    }

    /// `text` as one shell word: as it is when it holds only safe characters, else in single quotes.
    static func shellQuoted(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,")
        if !text.isEmpty, text.allSatisfy({ safe.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    func databasePath(_ settings: ConfigReader) -> String {
        settings.string(forKey: "warden.database", default: "warden.sqlite")
    }

    /// Opens the configured store (SQLite file, or PostgreSQL with its connection pool running
    /// and its schema created), runs `body`, and closes it whatever happened. With `existing`,
    /// a SQLite file that is not there is an error rather than a new empty database: a command
    /// that reads or changes what a server uses (list, delete, revoke, rotate, audit) must not
    /// answer from a fresh file made by a typo in `--database`.
    func withStore<T>(_ settings: ConfigReader, existing: Bool = false, _ body: (any AuthorizationStore) async throws -> T) async throws -> T {
        var location = databasePath(settings)
        guard !location.isEmpty else { throw CommandFailure(.configuration, "the database is an empty path: give --database (or WARDEN_DATABASE) a file or a postgres:// URL") }
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            let store = try PostgresStore(url: location)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.run() }
                defer { group.cancelAll() }
                try await store.migrate()
                return try await body(store)
            }
        }
        if location.hasPrefix("sqlite://") { location = String(location.dropFirst("sqlite://".count)) }
        if existing, location != ":memory:", !FileManager.default.fileExists(atPath: location) {
            throw StoreError(.unavailable, "no file at \(location)", reason: "there is no database at \(location) (`warden serve` creates it on its first start); check --database or WARDEN_DATABASE")
        }
        let store = try await SQLiteStore.open(path: location)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// Opens the store, runs `body`, and closes the store whatever happened.
    func withStore<T>(existing: Bool = false, _ body: (any AuthorizationStore, ConfigReader) async throws -> T) async throws -> T {
        let settings = try await reader()
        return try await withStore(settings, existing: existing) { db in try await body(db, settings) }
    }

    /// Opens the store, runs `body`, and closes the store whatever happened.
    func withStore<T>(existing: Bool = false, _ body: (any AuthorizationStore) async throws -> T) async throws -> T {
        try await withStore(existing: existing) { db, _ in try await body(db) }
    }

    /// The master key, checked against the one the database was set up with (recorded on first
    /// use), so a wrong key never writes anything.
    func masterKey(_ settings: ConfigReader, checkedAgainst db: any AuthorizationStore) async throws -> MasterKey {
        let key = try masterKey(settings).key
        let stored = try await db.setting("master_key_fingerprint", defaultingTo: key.fingerprint)
        guard stored == key.fingerprint else {
            throw MasterKeyError("this database was set up with a different master key; use the same WARDEN_MASTER_KEY or key file")
        }
        return key
    }

    /// The master key from `warden.masterKey` or the key file (created if missing), whether it
    /// was just created, and where it came from.
    func masterKey(_ settings: ConfigReader) throws -> (key: MasterKey, created: Bool, source: String) {
        if let value = settings.string(forKey: "warden.masterKey", isSecret: true), !value.isEmpty {
            return (try MasterKey(base64: value), false, "WARDEN_MASTER_KEY")
        }
        let database = databasePath(settings)
        let isURL = database.contains("://") && !database.hasPrefix("sqlite://")
        // Beside a SQLite file by default; a PostgreSQL deployment names its key (or sets
        // WARDEN_MASTER_KEY): every node must use the same one.
        guard let path = settings.string(forKey: "warden.masterKeyFile") ?? (isURL ? nil : database + ".key") else {
            throw CommandFailure(.configuration, "with PostgreSQL, set WARDEN_MASTER_KEY or --master-key-file (the same on every node)")
        }
        let (key, created) = try MasterKey.loadOrCreate(path: path)
        return (key, created, path)
    }
}
