#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import WardenCore
import WardenServer
import WardenSQLite

/// The master key file and the SQLite database with its -wal and -shm files are 0600 from the
/// first byte, whatever the umask (issue 11, item 5).
@Suite(.serialized) struct PrivateFileTests {
    static func mode(_ path: String) throws -> Int {
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        return (mode?.intValue ?? -1) & 0o777
    }

    @Test func filesArePrivateUnderUmaskZero() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-mode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyPath = directory.appendingPathComponent("warden.sqlite.key").path
        let databasePath = directory.appendingPathComponent("warden.sqlite").path

        let previous = umask(0)
        defer { umask(previous) }
        _ = try MasterKey.loadOrCreate(path: keyPath)
        let store = try await SQLiteStore.open(path: databasePath)
        try await store.createScope(ScopeRecord(scope: try Scope("orders.read"), description: "Read orders"))
        for path in [keyPath, databasePath, databasePath + "-wal", databasePath + "-shm"] {
            #expect(try Self.mode(path) == 0o600, "\(path)")
        }
        try await store.close()
        // A second start reads the same key file and does not create another.
        #expect(try MasterKey.loadOrCreate(path: keyPath).created == false)
    }

    @Test func aDanglingSymbolicLinkIsRefusedClearlyNeverFollowed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-link-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyPath = directory.appendingPathComponent("warden.sqlite.key").path
        let databasePath = directory.appendingPathComponent("warden.sqlite").path
        let nowhere = directory.appendingPathComponent("nowhere").path
        #expect(symlink(nowhere, keyPath) == 0)
        #expect(symlink(nowhere, databasePath) == 0)
        // Before: the key path recursed until the stack overflowed; the database's target was
        // created by SQLite with the umask's mode.
        #expect(throws: MasterKeyError.self) { try MasterKey.loadOrCreate(path: keyPath) }
        await #expect(throws: StoreError.self) { try await SQLiteStore.open(path: databasePath) }
        #expect(!FileManager.default.fileExists(atPath: nowhere))
    }

    @Test func nodesStartingTogetherShareOneKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-race-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyPath = directory.appendingPathComponent("master.key").path
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask { try MasterKey.loadOrCreate(path: keyPath).key.fingerprint }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
        // Nothing temporary is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["master.key"])
    }
}
