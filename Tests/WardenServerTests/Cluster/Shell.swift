import Foundation

/// Runs a command to completion (the cluster tests' setup: PostgreSQL's scripts, the `warden`
/// CLI), and what else the cluster tests need from the operating system.
enum Shell {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The command's standard output; throws with its errors when it exits non-zero.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil) async throws -> String {
        let name = FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: name + ".out")
            try? FileManager.default.removeItem(atPath: name + ".err")
        }
        let child = try ChildProcess(executable, arguments, environment: environment, input: input, output: name + ".out", errors: name + ".err")
        let status = try await child.wait(within: 120)
        let output = (try? String(contentsOfFile: name + ".out", encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: name + ".err", encoding: .utf8)) ?? ""
            throw Failure(description: "\(executable) \(arguments.prefix(2).joined(separator: " ")) exited \(status.map(String.init) ?? "(still running)"): \(errors.suffix(2000))")
        }
        return output
    }

    /// The repository's root folder (for `.ci/` scripts).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
