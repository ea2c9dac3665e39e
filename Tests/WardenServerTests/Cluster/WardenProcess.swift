import AsyncHTTPClient
import Foundation

/// One `warden serve` process on loopback, its output in a log file. ``kill()`` is `kill -9`.
final class WardenProcess: LoopbackHTTPTarget {
    let baseURL: String
    let port: Int
    let logFile: URL
    private let process: ChildProcess

    /// The `warden` executable built next to this test bundle (or `WARDEN_BINARY`).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["WARDEN_BINARY"], !path.isEmpty { return path }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("warden").path
    }

    private init(process: ChildProcess, port: Int, logFile: URL) {
        self.process = process
        self.port = port
        self.logFile = logFile
        self.baseURL = "http://127.0.0.1:\(port)"
    }

    /// Starts `warden serve` and waits until `/health` answers 200 (or the process exits).
    static func start(
        database: String, issuer: String, masterKey: String, arguments: [String] = [], environment: [String: String] = [:], waitForHealth: Bool = true
    ) async throws -> WardenProcess {
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("warden-node-\(UUID().uuidString.prefix(8)).log")
        // Port 0: the node takes a free port and says which ("warden serving … on …:PORT"), so
        // nodes started at the same moment never race for one.
        let process = try ChildProcess(
            binary,
            ["serve", "--port", "0", "--issuer", issuer, "--database", database, "--log-level", "notice"] + arguments,
            environment: environment.merging(["WARDEN_MASTER_KEY": masterKey]) { _, key in key },
            output: logFile.path
        )
        func log() -> String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let status = process.status {
                let node = WardenProcess(process: process, port: 0, logFile: logFile)
                guard waitForHealth else { return node }
                throw Shell.Failure(description: "warden serve exited \(status): \(log().suffix(2000))")
            }
            if let line = log().split(separator: "\n").first(where: { $0.hasPrefix("warden serving ") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
            {
                let node = WardenProcess(process: process, port: port, logFile: logFile)
                guard waitForHealth else { return node }
                while Date() < deadline {
                    if let health = try? await node.get("/health"), health.status == 200 { return node }
                    if process.status != nil { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                await node.kill()
                throw Shell.Failure(description: "warden serve did not become healthy: \(log().suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.signal(SIGKILL)
        throw Shell.Failure(description: "warden serve did not start: \(log().suffix(2000))")
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    /// Waits for the process to end by itself, at most `seconds`; its exit status, `nil` if it runs on.
    func waitForExit(within seconds: Double) async throws -> Int32? {
        try await process.wait(within: seconds)
    }

    /// `kill -9`: no graceful shutdown, requests in flight cut off.
    func kill() async {
        process.signal(SIGKILL)
        _ = try? await process.wait(within: 30)
    }

    /// SIGTERM, a graceful shutdown (then SIGKILL if it takes more than 10 s); the exit status,
    /// `nil` when it had to be killed.
    @discardableResult
    func stop() async -> Int32? {
        process.signal(SIGTERM)
        guard let status = try? await process.wait(within: 10) else {
            await kill()
            return nil
        }
        return status
    }
}
