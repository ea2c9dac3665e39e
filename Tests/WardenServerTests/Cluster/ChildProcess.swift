import Foundation
import Synchronization

/// A child process started with `posix_spawn`, its standard streams on files (never pipes), no
/// other descriptor inherited, and reaped with `waitpid`. Foundation's `Process` is not used: under the test runner it left an
/// exited `bash` unreaped (a zombie) and `waitUntilExit()` never returned.
final class ChildProcess: Sendable {
    let pid: pid_t
    private let exitStatus = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`; standard input from `input` (or /dev/null), output
    /// appended to `output`, errors to `errors` (or `output`).
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil, output: String, errors: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var inputFile: String?
        if let input {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).in").path
            guard FileManager.default.createFile(atPath: path, contents: Data(input.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw Shell.Failure(description: "cannot write \(path)")
            }
            inputFile = path
        }
        defer { if let inputFile { try? FileManager.default.removeItem(atPath: inputFile) } }
        posix_spawn_file_actions_addopen(&actions, 0, inputFile ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let errors {
            posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // Nothing else of ours: without this the child (and PostgreSQL, which a script starts)
        // would inherit every socket the test process has open — the in-process servers'
        // listening sockets and connections — and keep them open after we close them, so their
        // clients would hang instead of seeing the close.
        guard let closeFrom = Self.addCloseFrom else { throw Shell.Failure(description: "posix_spawn_file_actions_addclosefrom_np is missing (glibc < 2.34)") }
        _ = closeFrom(&actions, 3)

        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw Shell.Failure(description: "posix_spawn \(executable): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

    /// The exit status (or 128 + signal) once it ended, `nil` while it runs.
    var status: Int32? {
        exitStatus.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            known = Self.decode(raw)
            return known
        }
    }

    var isRunning: Bool { status == nil }

    /// Waits for the end, polling (so no thread is blocked for long); the exit status.
    func wait(within seconds: Double = .infinity) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status { return status }
            try await Task.sleep(for: .milliseconds(20))
        }
        return status
    }

    func signal(_ signal: Int32) {
        guard isRunning else { return }
        _ = kill(pid, signal)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time: Swift's
    /// Glibc module does not declare it (it needs `_GNU_SOURCE`).
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    private static func decode(_ raw: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out (they are C macros).
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }
}
