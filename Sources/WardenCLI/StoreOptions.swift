import ArgumentParser
import Foundation
import WardenServer
import WardenSQLite

/// Where the database and master key are: shared by `serve` and every admin command, so they
/// all work on the same state. Each option falls back to its environment variable.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite file (created with its schema on first use). Env: WARDEN_DATABASE.", valueName: "path"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("Master key file, created with mode 0600 on first use; ignored when WARDEN_MASTER_KEY (32 bytes, base64) is set. Default: <database>.key.", valueName: "path"))
    var masterKeyFile: String?

    var databasePath: String {
        database ?? ProcessInfo.processInfo.environment["WARDEN_DATABASE"] ?? "warden.sqlite"
    }

    func openStore() async throws -> SQLiteStore {
        var path = databasePath
        if path.hasPrefix("sqlite://") { path = String(path.dropFirst("sqlite://".count)) }
        if path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") {
            throw ValidationError("PostgreSQL is not supported yet; use a SQLite path")
        }
        return try await SQLiteStore.open(path: path)
    }

    /// Opens the store, runs `body`, and closes the store whatever happened.
    func withStore<T>(_ body: (any AuthorizationStore) async throws -> T) async throws -> T {
        let db = try await openStore()
        do {
            let result = try await body(db)
            try await db.close()
            return result
        } catch {
            try? await db.close()
            throw error
        }
    }

    /// The master key, checked against the one the database was set up with (recorded on first
    /// use), so a wrong key never writes anything.
    func masterKey(checkedAgainst db: any AuthorizationStore) async throws -> MasterKey {
        let key = try masterKey().key
        let stored = try await db.setting("master_key_fingerprint", defaultingTo: key.fingerprint)
        guard stored == key.fingerprint else {
            throw MasterKeyError("this database was set up with a different master key; use the same WARDEN_MASTER_KEY or key file")
        }
        return key
    }

    /// The master key from WARDEN_MASTER_KEY or the key file (created if missing), and whether
    /// it was just created.
    func masterKey() throws -> (key: MasterKey, created: Bool, source: String) {
        if let value = ProcessInfo.processInfo.environment["WARDEN_MASTER_KEY"], !value.isEmpty {
            return (try MasterKey(base64: value), false, "WARDEN_MASTER_KEY")
        }
        let path = masterKeyFile ?? ProcessInfo.processInfo.environment["WARDEN_MASTER_KEY_FILE"] ?? (databasePath + ".key")
        let (key, created) = try MasterKey.loadOrCreate(path: path)
        return (key, created, path)
    }
}
