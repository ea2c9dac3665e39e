import Foundation

/// A request as RFC 9421 sees it, whatever framework it came from: its method, its target URI
/// (absolute: a service behind a proxy gives its external base URL and the received path and
/// query), and its header fields in order (names compared case-insensitively).
public struct SignableRequest: Sendable {
    public var method: String
    public var targetURI: String
    public var fields: [(name: String, value: String)]

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

    /// The target URI's parts (RFC 9421 §2.2), or `nil` when it is not an absolute http(s) URI
    /// with a host.
    func targetParts() -> HTTPTargetURI? { HTTPTargetURI(targetURI) }
}
