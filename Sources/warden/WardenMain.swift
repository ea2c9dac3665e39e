import WardenCLI
import WardenExecutor

/// The `warden` executable: the commands live in WardenCLI (so tests run them in-process), and
/// so does the entry point that turns failures into one line and an exit code.
@main
struct WardenMain {
    static func main() async {
        // Swift's tasks run on NIO's event loops, not on a second pool beside them: no thread hop
        // between reading a request and handling it (README "Speed"; docs/benchmarks.md, issue 16).
        // Blocking work (bcrypt, SQLite) goes to NIO's thread pool, never to a task.
        EventLoopGlobalExecutor.install()
        await WardenEntryPoint.main()
    }
}
