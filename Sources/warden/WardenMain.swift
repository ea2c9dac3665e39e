import WardenCLI

/// The `warden` executable: the commands live in WardenCLI (so tests run them in-process), and
/// so does the entry point that turns failures into one line and an exit code.
@main
struct WardenMain {
    static func main() async {
        await WardenEntryPoint.main()
    }
}
