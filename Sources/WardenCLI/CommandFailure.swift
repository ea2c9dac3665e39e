import ArgumentParser
import WardenCore
import WardenServer

/// A command that parsed but could not do what it was asked: one line for a person, and an exit
/// code for a script. Usage text is shown only for usage mistakes found while parsing (by
/// swift-argument-parser, exit code 64); a failure while running is never followed by it.
///
/// Exit codes (sysexits(3) where one fits; documented in the README):
///
/// | code | meaning |
/// |---|---|
/// | 0 | done |
/// | 1 | refused: exists already, not found, not allowed; or an unexpected error |
/// | 64 | usage: a wrong or missing argument or option |
/// | 69 | unavailable: the database cannot be reached or opened |
/// | 70 | internal: stored data that cannot be read back |
/// | 78 | configuration: a wrong master key, database URL or config file |
public struct CommandFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Int32, Sendable {
        case refused = 1
        case usage = 64
        case unavailable = 69
        case internalError = 70
        case configuration = 78
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
    public var exitCode: Int32 { kind.rawValue }

    static func refused(_ message: String) -> CommandFailure { CommandFailure(.refused, message) }

    /// What to tell a person about an error thrown while a command ran; nil for errors this
    /// does not know (swift-argument-parser's own, such as a help request, among them).
    public init?(recognizing error: any Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case let error as ValidationError:
            self.init(.usage, error.message)
        case let error as StoreError:
            switch error.code {
            case .unavailable: self.init(.unavailable, error.description)
            case .misconfigured: self.init(.configuration, error.description)
            case .conflict: self.init(.refused, error.description)
            case .corrupt: self.init(.internalError, error.description)
            }
        case let error as MasterKeyError:
            self.init(.configuration, error.description)
        case let error as KeyConfigurationError:
            self.init(.configuration, error.description)
        default:
            return nil
        }
    }
}
