import Foundation
import WardenCore
import WardenServer

/// A new temporary folder with a SQLite file and a master-key file, for tests that run `warden`
/// commands (in process, `CommandLineTests.run`) against the database of a running server.
struct CommandLineDatabase {
    let directory: String
    let path: String
    let keyFile: String
    let masterKey: MasterKey

    init() throws {
        directory = try CommandLineErrorTests.temporaryDirectory()
        path = directory + "/warden.sqlite"
        keyFile = directory + "/master.key"
        (masterKey, _) = try MasterKey.loadOrCreate(path: keyFile)
    }

    /// `--database PATH --master-key-file FILE`, for each command.
    var common: [String] { ["--database", path, "--master-key-file", keyFile] }

    /// A `TestServer` on this database, unseeded: the test makes what it needs with commands.
    func serve<T: Sendable>(
        timeSource: TimeSource = .system,
        configure: (inout AuthorizationServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        try await TestServer.run(path: path, masterKey: masterKey, seed: false, timeSource: timeSource, configure: configure, body)
    }
}
