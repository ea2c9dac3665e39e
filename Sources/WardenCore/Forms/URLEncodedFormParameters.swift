import Foundation

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
        var body = body
        let parsed = body.withUTF8 { bytes in Result { () throws(OAuthError) in try Self.parse(bytes, repeatable: repeatable) } }
        (values, repeatedValues) = try parsed.get()
    }

    /// The same, over the body's bytes as received (a `ByteBuffer`'s readable bytes, say),
    /// without making a `String` of the whole body first.
    public init(parsing bytes: UnsafeRawBufferPointer, repeatable: Set<String> = []) throws(OAuthError) {
        (values, repeatedValues) = try Self.parse(bytes.assumingMemoryBound(to: UInt8.self), repeatable: repeatable)
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, repeatable: Set<String>) throws(OAuthError) -> ([String: String], [String: [String]]) {
        var values: [String: String] = [:]
        var repeated: [String: [String]] = [:]
        var failure: OAuthError?
        forEachPair(in: bytes) { name, value in
            guard let name, let value else {
                failure = .invalidRequest("The request body is not valid form encoding.")
                return false
            }
            if repeatable.contains(name) {
                repeated[name, default: []].append(value)
                values[name] = values[name] ?? value
                return true
            }
            guard values.updateValue(value, forKey: name) == nil else {
                failure = .invalidRequest("The parameter '\(Self.printable(name))' appears more than once.")
                return false
            }
            return true
        }
        if let failure { throw failure }
        return (values, repeated)
    }

    public subscript(name: String) -> String? { values[name] }

    /// Every value of a repeatable parameter (empty when absent).
    public func all(_ name: String) -> [String] { repeatedValues[name] ?? values[name].map { [$0] } ?? [] }

    /// Every value sent under `name` (no duplicate check), for counting credentials.
    static func allValues(named name: String, in body: String) -> [String] {
        var body = body
        return body.withUTF8 { bytes in
            var found: [String] = []
            forEachPair(in: bytes) { pairName, value in
                if pairName == name { found.append(value ?? "") }
                return true
            }
            return found
        }
    }

    /// Calls `body` with each `name=value` pair, decoded (`nil` for a component that does not
    /// decode; a pair without `=` has the value ""), until it returns false. Empty pairs
    /// (`a=1&&b=2`) are skipped, as WHATWG URL §5.1 does.
    private static func forEachPair(in bytes: UnsafeBufferPointer<UInt8>, _ body: (String?, String?) -> Bool) {
        var start = 0
        while start < bytes.count {
            // `memchr`, not a byte-by-byte loop: a token is ~600 bytes (issue 16).
            let end = ByteScan.firstIndex(of: UInt8(ascii: "&"), in: UnsafeBufferPointer(rebasing: bytes[start...])).map { start + $0 } ?? bytes.count
            if end > start {
                let pair = UnsafeBufferPointer(rebasing: bytes[start..<end])
                let name: String?
                let value: String?
                if let equals = ByteScan.firstIndex(of: UInt8(ascii: "="), in: pair) {
                    name = decodeComponent(UnsafeBufferPointer(rebasing: pair[..<equals]))
                    value = decodeComponent(UnsafeBufferPointer(rebasing: pair[(equals + 1)...]))
                } else {
                    name = decodeComponent(pair)
                    value = ""
                }
                guard body(name, value) else { return }
            }
            start = end + 1
        }
    }

    /// One `application/x-www-form-urlencoded` component (WHATWG URL §5.1): `+` is a space,
    /// `%XX` a byte; the result must be valid UTF-8. `nil` for a malformed escape or bad UTF-8.
    /// Hand-written over bytes: Foundation's `removingPercentEncoding` was a quarter of the
    /// token endpoint's CPU time, and no listed library decodes form components without it.
    public static func decodeComponent(_ component: some Collection<UInt8>) -> String? {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        // Most components (tokens, client ids, grant types) have nothing to decode: then the
        // bytes as they stand, checked as UTF-8, are the answer.
        // A scan for either escape character and one for ASCII (`ByteScan`: many bytes at a
        // time); then the String, no second pass over a copy.
        let plain = component.withContiguousStorageIfAvailable { bytes -> (isPlain: Bool, string: String?) in
            guard !ByteScan.contains(UInt8(ascii: "%"), or: UInt8(ascii: "+"), in: bytes) else { return (false, nil) }
            // ASCII (a form's usual bytes) is UTF-8 as it stands: the non-generic repairing
            // initializer repairs nothing in it, and skips the generic `String(validating:)`,
            // whose entry point looked its metadata up on every call (issue 16).
            if ByteScan.isASCII(bytes) { return (true, String(decoding: bytes, as: UTF8.self)) }
            return (true, String(validating: bytes, as: UTF8.self))
        }
        if let plain, plain.isPlain { return plain.string }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(component.count)
        var index = component.startIndex
        while index != component.endIndex {
            let byte = component[index]
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(0x20)
            case UInt8(ascii: "%"):
                let first = component.index(after: index)
                guard first != component.endIndex else { return nil }
                let second = component.index(after: first)
                guard second != component.endIndex, let high = hex(component[first]), let low = hex(component[second]) else { return nil }
                bytes.append(high << 4 | low)
                index = second
            default:
                bytes.append(byte)
            }
            index = component.index(after: index)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    public static func decodeComponent(_ component: Substring) -> String? {
        decodeComponent(component.utf8)
    }

    /// Names echoed in errors are cut short and stripped to visible ASCII.
    private static func printable(_ name: String) -> String {
        String(name.unicodeScalars.filter { $0.value >= 0x21 && $0.value <= 0x7E && $0 != "'" }.prefix(40).map(Character.init))
    }
}
