/// One OAuth 2 scope token (RFC 6749 §3.3): `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`.
///
/// Declare the scopes of a service as typed constants:
/// ```swift
/// extension Scope {
///     static let readItems: Scope = "items"
/// }
/// ```
public struct Scope: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    /// Creates a scope, throwing ``InvalidScopeError`` if `rawValue` is not a valid scope token.
    public init(validating rawValue: some StringProtocol) throws(InvalidScopeError) {
        guard Scope.isValidToken(rawValue.utf8) else { throw InvalidScopeError(value: String(rawValue)) }
        self.rawValue = String(rawValue)
    }

    /// A literal scope; an invalid literal is a programming error and traps.
    public init(stringLiteral value: String) {
        guard Scope.isValidToken(value.utf8) else {
            preconditionFailure("'\(value)' is not a valid OAuth 2 scope token (RFC 6749 §3.3)")
        }
        self.rawValue = value
    }

    public var description: String { rawValue }

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }

    /// RFC 6749 §3.3 NQCHAR: any visible ASCII character except `"` and `\`.
    static func isValidToken(_ bytes: some Collection<UInt8>) -> Bool {
        guard !bytes.isEmpty else { return false }
        for byte in bytes {
            switch byte {
            case 0x21, 0x23...0x5B, 0x5D...0x7E: continue
            default: return false
            }
        }
        return true
    }
}

/// A string that is not a valid scope token or scope list (RFC 6749 §3.3).
public struct InvalidScopeError: Error, Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public var description: String { "not a valid OAuth 2 scope (RFC 6749 §3.3)" }
}
