import Foundation
import WardenCore

/// `application/x-www-form-urlencoded` parameters read the way OAuth requires: a parameter
/// sent twice is an error (RFC 6749 §3.1 and §3.2), not a silent choice between the two.
public struct URLEncodedFormParameters: Sendable {
    public let values: [String: String]
    /// Every value of the parameters allowed to repeat, in order (e.g. RFC 8693 `audience`).
    public let repeatedValues: [String: [String]]

    /// - Parameter repeatable: names that may appear more than once (read them with
    ///   ``all(_:)``); any other name sent twice is an error.
    /// - Throws: ``OAuthError`` `invalid_request` for a repeated name or bad percent-encoding.
    public init(parsing body: String, repeatable: Set<String> = []) throws(OAuthError) {
        var values: [String: String] = [:]
        var repeated: [String: [String]] = [:]
        for (name, value) in Self.pairs(in: body) {
            guard let name, let value else { throw .invalidRequest("The request body is not valid form encoding.") }
            if repeatable.contains(name) {
                repeated[name, default: []].append(value)
                values[name] = values[name] ?? value
                continue
            }
            guard values.updateValue(value, forKey: name) == nil else {
                throw .invalidRequest("The parameter '\(Self.printable(name))' appears more than once.")
            }
        }
        self.values = values
        self.repeatedValues = repeated
    }

    public subscript(name: String) -> String? { values[name] }

    /// Every value of a repeatable parameter (empty when absent).
    public func all(_ name: String) -> [String] { repeatedValues[name] ?? values[name].map { [$0] } ?? [] }

    /// Every value sent under `name` (no duplicate check), for counting credentials.
    static func allValues(named name: String, in body: String) -> [String] {
        pairs(in: body).compactMap { $0.0 == name ? ($0.1 ?? "") : nil }
    }

    private static func pairs(in body: String) -> [(String?, String?)] {
        body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count == 2 ? decode(parts[1]) : "")
        }
    }

    private static func decode(_ component: Substring) -> String? {
        component.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Names echoed in errors are cut short and stripped to visible ASCII.
    private static func printable(_ name: String) -> String {
        String(name.unicodeScalars.filter { $0.value >= 0x21 && $0.value <= 0x7E && $0 != "'" }.prefix(40).map(Character.init))
    }
}
