import Foundation

/// A request as RFC 9421 sees it, whatever framework it came from: its method, its target URI
/// (absolute: a service behind a proxy gives its external base URL and the received path and
/// query), and its header fields in order (names compared case-insensitively).
public struct SignableRequest: Sendable {
    public var method: String
    public var targetURI: String
    public var fields: [(name: String, value: String)]

    /// The parts of `targetURI` the derived components read (RFC 9421 §2.2), as sent: the path
    /// and query keep their percent-encoding.
    struct TargetParts {
        let scheme: String
        let authority: String
        let path: String
        let query: String?
    }

    public init(method: String, targetURI: String, fields: [(name: String, value: String)]) {
        self.method = method
        self.targetURI = targetURI
        self.fields = fields
    }

    /// Every value of field `name` (lowercase), in order; names compared ASCII-case-insensitively
    /// without making lowercase copies (this runs a few times per signed request).
    func values(of name: String) -> [String] {
        var values: [String] = []
        for field in fields where Self.equalsIgnoringASCIICase(field.name, lowercase: name) { values.append(field.value) }
        return values
    }

    static func equalsIgnoringASCIICase(_ text: String, lowercase: String) -> Bool {
        guard text.utf8.count == lowercase.utf8.count else { return false }
        for (byte, lower) in zip(text.utf8, lowercase.utf8) {
            let folded = (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
            guard folded == lower else { return false }
        }
        return true
    }

    /// The target URI's parts, or `nil` when it is not an absolute http(s) URI with a host.
    func targetParts() -> TargetParts? {
        guard let components = URLComponents(string: targetURI),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.percentEncodedHost?.lowercased(), !host.isEmpty,
            components.percentEncodedUser == nil, components.percentEncodedPassword == nil
        else { return nil }
        var authority = host
        // RFC 9421 §2.2.3: the authority as in RFC 9110 §7.2, lowercase, the default port omitted.
        if let port = components.port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            authority += ":\(port)"
        }
        let path = components.percentEncodedPath
        return TargetParts(scheme: scheme, authority: authority, path: path.isEmpty ? "/" : path, query: components.percentEncodedQuery)
    }
}
