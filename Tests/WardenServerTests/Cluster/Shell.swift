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

    /// A TCP port free on loopback right now.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
