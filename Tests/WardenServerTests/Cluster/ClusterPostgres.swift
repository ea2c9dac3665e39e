import Foundation

/// A PostgreSQL server of one cluster test's own, started by `.ci/start-postgres.sh` (Debian's
/// packages, loopback, temporary data folder), so the test can restart it without disturbing the
/// other suites' server.
final class ClusterPostgres: Sendable {
    let url: String
    let dataDirectory: String
    let binDirectory: String

    private init(url: String, dataDirectory: String, binDirectory: String) {
        self.url = url
        self.dataDirectory = dataDirectory
        self.binDirectory = binDirectory
    }

    static func start() async throws -> ClusterPostgres {
        let script = Shell.repositoryRoot.appendingPathComponent(".ci/start-postgres.sh").path
        let fields = try await Shell.run("/bin/bash", [script]).split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 3 else { throw Shell.Failure(description: "start-postgres.sh printed \(fields)") }
        return ClusterPostgres(url: fields[0], dataDirectory: fields[1], binDirectory: fields[2])
    }

    private func control(_ arguments: String) async throws {
        // The server's output goes to its log file, never to our pipe (which would then never close).
        try await Shell.run("/bin/su", ["postgres", "-s", "/bin/sh", "-c", "'\(binDirectory)/pg_ctl' -D '\(dataDirectory)/db' -l '\(dataDirectory)/server.log' -w \(arguments)"])
    }

    /// A clean restart (`pg_ctl restart -m fast`): every connection is dropped.
    func restart() async throws {
        try await control("-m fast restart")
    }

    /// Stops the server and keeps its data (`pg_ctl stop -m fast`): every connection drops and
    /// nothing answers on its port until ``startAgain()``.
    func stopServer() async throws {
        try await control("-m fast stop")
    }

    /// Starts a server stopped by ``stopServer()`` on the same port.
    func startAgain() async throws {
        guard let port = URLComponents(string: url)?.port else { throw Shell.Failure(description: "no port in \(url)") }
        try await control("-o \"-p \(port) -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off\" start")
    }

    func stop() async {
        try? await control("-m fast stop")
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}
