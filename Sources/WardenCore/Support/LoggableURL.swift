import Foundation

/// A URL as it may appear in a log: scheme, host, port and path. User information
/// (`user:password@`), the query and the fragment are left out, since any of them can carry a
/// credential (design decision 9: no secret reaches a log).
public enum LoggableURL {
    public static func describe(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else {
            return "(unparsable URL)"
        }
        return "\(scheme)://\(host)\(parts.port.map { ":\($0)" } ?? "")\(parts.path)"
    }
}
