import ArgumentParser
import Foundation

/// Runs `warden` as a process does: parse (usage mistakes answered by swift-argument-parser with
/// the subcommand's usage, exit 64), run, and turn what a command throws into one line on
/// standard error and an exit code (``CommandFailure``), with no usage text after it.
public enum WardenEntryPoint {
    public static func main(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        var command: any ParsableCommand
        do {
            command = try WardenCommand.parseAsRoot(arguments)
        } catch {
            WardenCommand.exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // swift-argument-parser's own (help, version, its errors) and unknown ones: as it
            // prints them (one "Error:" line, exit code 1, for an error it does not know).
            guard let failure = CommandFailure(recognizing: error) else { WardenCommand.exit(withError: error) }
            var line = "Error: \(failure.message)\n"
            if failure.kind == .usage { line += "See '\(helpCommand(for: arguments))'.\n" }
            FileHandle.standardError.write(Data(line.utf8))
            exit(failure.exitCode)
        }
        exit(0)
    }

    /// `warden scope create --help` for the subcommand named at the start of `arguments`.
    static func helpCommand(for arguments: [String]) -> String {
        var names = ["warden"]
        var level: [any ParsableCommand.Type] = WardenCommand.configuration.subcommands
        for word in arguments {
            guard let sub = level.first(where: { $0._commandName == word }) else { break }
            names.append(word)
            level = sub.configuration.subcommands
        }
        return names.joined(separator: " ") + " --help"
    }
}
