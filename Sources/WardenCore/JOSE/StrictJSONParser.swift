// Written by hand on purpose: Foundation's JSONDecoder and JSONSerialization silently accept
// duplicate member names (keeping one of them), which lets two parsers read different claims
// from the same token (RFC 7515 §5.2 and RFC 7519 §4 require rejecting or consistently
// handling duplicates; Warden rejects). It is also the hot path of every verification, where
// JSONDecoder costs more than the signature check. No listed library offers a strict parser.

/// Parses RFC 8259 JSON and refuses duplicate member names, unescaped control characters,
/// invalid UTF-8, lone surrogates, trailing data and nesting deeper than ``maximumDepth``.
public struct StrictJSONParser: Sendable {
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    public var maximumDepth: Int

    public init(maximumDepth: Int = 16) {
        self.maximumDepth = maximumDepth
    }

    public func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var cursor = JSONCursor(bytes: bytes, maximumDepth: maximumDepth)
        cursor.skipWhitespace()
        let value = try cursor.parseValue(depth: 0)
        try cursor.expectEnd()
        return value
    }
}
