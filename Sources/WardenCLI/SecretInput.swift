import ArgumentParser
import Foundation

/// Reads a secret from the one place the user named: an option value, standard input
/// (`--…-stdin`, first line), or an environment variable — so secrets need not sit in argv
/// and shell history.
enum SecretInput {
    static func read(option: String?, fromStandardInput: Bool, environment name: String, what: String) throws -> String? {
        let sources = [option != nil, fromStandardInput].filter { $0 }.count
        guard sources <= 1 else { throw ValidationError("give the \(what) once: as an option or on standard input, not both") }
        if let option { return option }
        if fromStandardInput {
            guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("no \(what) on standard input")
            }
            return line
        }
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        return nil
    }
}
