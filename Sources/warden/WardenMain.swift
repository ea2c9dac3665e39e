import Foundation
import WardenCLI
import WardenExecutor

/// The `warden` executable: the commands live in WardenCLI (so tests run them in-process), and
/// so does the entry point that turns failures into one line and an exit code.
@main
struct WardenMain {
    static func main() async {
        // Swift's tasks run on NIO's event loops as generic jobs, not on a second pool beside
        // them: no thread hop between reading a request and handling it, no executor switch per
        // call (README "Speed"; docs/benchmarks.md, issue 16). `WARDEN_EXECUTOR=nio|swift`
        // chooses otherwise. Blocking work (bcrypt, SQLite) goes to NIO's thread pool.
        let setting = ProcessInfo.processInfo.environment["WARDEN_EXECUTOR"] ?? GlobalExecutorKind.generic.rawValue
        guard let kind = GlobalExecutorKind(rawValue: setting) else {
            FileHandle.standardError.write(Data("warden: WARDEN_EXECUTOR is one of \(GlobalExecutorKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(setting)'\n".utf8))
            exit(64)
        }
        if !kind.install() {
            // Another hook in place (a preloaded library, NIO's): said, and the server runs on.
            FileHandle.standardError.write(Data("warden: warning: WARDEN_EXECUTOR=\(kind.rawValue) could not be installed (another executor hook is in place); tasks run where it runs them\n".utf8))
        }
        await WardenEntryPoint.main()
    }
}
