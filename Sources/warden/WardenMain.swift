import ArgumentParser
import WardenCLI

/// The `warden` executable: the commands live in WardenCLI (so tests run them in-process).
@main
struct WardenMain: AsyncParsableCommand {
    static let configuration = WardenCommand.configuration
}
