// Written by hand, as StrictJSONParser (see there): the scanner under both the generic parser
// and the allocation-light readers of a token's header and claims (JOSEHeader,
// AccessTokenClaims+JSON), which walk an object member by member instead of building a
// dictionary. One scanner, so every path refuses exactly the same inputs.

/// A position in a JSON text and the RFC 8259 grammar from there on.
struct JSONCursor {
    let bytes: [UInt8]
    let maximumDepth: Int
    var index = 0

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    func failure(_ reason: String) -> StrictJSONParser.Failure {
        StrictJSONParser.Failure(offset: index, reason: reason)
    }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func expect(_ literal: StaticString) throws(StrictJSONParser.Failure) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("unexpected end") }
        let matches = literal.withUTF8Buffer { buffer in
            for offset in 0..<count where bytes[index + offset] != buffer[offset] { return false }
            return true
        }
        guard matches else { throw failure("invalid literal") }
        index += count
    }

    mutating func parseValue(depth: Int) throws(StrictJSONParser.Failure) -> JSONValue {
        guard let byte = current else { throw failure("unexpected end") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected character")
        }
    }

    mutating func parseObject(depth: Int) throws(StrictJSONParser.Failure) -> JSONValue {
        guard depth <= maximumDepth else { throw failure("nesting too deep") }
        index += 1
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(12)  // a token's header or claims fit without rehashing
        var isFirst = true
        while let name = try nextMemberName(isFirst: &isFirst) {
            let value = try parseValue(depth: depth)
            guard members.updateValue(value, forKey: String(decoding: name, as: UTF8.self)) == nil else {
                throw failure("duplicate member name")
            }
        }
        return .object(members)
    }

    // MARK: Walking an object member by member

    /// Moves past the `{` that opens an object at `depth` (1 for a top-level object).
    mutating func openObject(depth: Int) throws(StrictJSONParser.Failure) {
        skipWhitespace()
        guard current == UInt8(ascii: "{") else { throw failure("expected an object") }
        guard depth <= maximumDepth else { throw failure("nesting too deep") }
        index += 1
    }

    /// The next member's name as UTF-8 (escapes resolved), leaving the cursor at its value; `nil`
    /// once the object's closing `}` is consumed. `isFirst` starts `true` for each object.
    /// Duplicate names are the caller's to refuse. Bytes rather than a `String`: the token
    /// readers match names against the few they know without building one.
    mutating func nextMemberName(isFirst: inout Bool) throws(StrictJSONParser.Failure) -> ArraySlice<UInt8>? {
        skipWhitespace()
        if isFirst {
            isFirst = false
            if current == UInt8(ascii: "}") {
                index += 1
                return nil
            }
        } else {
            switch current {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                return nil
            default: throw failure("expected ',' or '}'")
            }
        }
        guard current == UInt8(ascii: "\"") else { throw failure("expected member name") }
        let name = try parseStringBytes()
        skipWhitespace()
        guard current == UInt8(ascii: ":") else { throw failure("expected ':'") }
        index += 1
        skipWhitespace()
        return name
    }

    /// Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF), checked with the
    /// standard library's decoder without building a string: the caller keeps the bytes.
    static func isValidUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Whether `name` (from ``nextMemberName(isFirst:)``) is exactly `literal`.
    static func name(_ name: ArraySlice<UInt8>, is literal: StaticString) -> Bool {
        guard name.count == literal.utf8CodeUnitCount else { return false }
        return name.withUnsafeBufferPointer { name in
            literal.withUTF8Buffer { expected in
                for offset in 0..<expected.count where name[offset] != expected[offset] { return false }
                return true
            }
        }
    }

    /// Checks the value at the cursor exactly as ``parseValue(depth:)`` would and moves past it,
    /// building nothing for the strings, numbers and literals that make up most of a token.
    mutating func skipValue(depth: Int) throws(StrictJSONParser.Failure) {
        guard let byte = current else { throw failure("unexpected end") }
        switch byte {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: _ = try parseValue(depth: depth)
        }
    }

    /// An ASCII string without escapes is checked in place; anything else takes
    /// ``parseString()``'s path (escapes, surrogates, UTF-8 validation).
    private mutating func skipString() throws(StrictJSONParser.Failure) {
        let start = index
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return
            }
            if byte == UInt8(ascii: "\\") || byte >= 0x80 {
                index = start
                _ = try parseString()
                return
            }
            if byte < 0x20 { throw failure("unescaped control character") }
            index += 1
        }
        throw failure("unterminated string")
    }

    /// Only whitespace may follow the top-level value.
    mutating func expectEnd() throws(StrictJSONParser.Failure) {
        skipWhitespace()
        guard index == bytes.count else { throw failure("trailing data") }
    }

    mutating func parseArray(depth: Int) throws(StrictJSONParser.Failure) -> JSONValue {
        guard depth <= maximumDepth else { throw failure("nesting too deep") }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(elements)
            default: throw failure("expected ',' or ']'")
            }
        }
    }

    mutating func parseNumber() throws(StrictJSONParser.Failure) -> Double {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, isDigit(first) else { throw failure("invalid number") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = current, isDigit(next) { throw failure("leading zero") }
        } else {
            while let next = current, isDigit(next) { index += 1 }
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard let next = current, isDigit(next) else { throw failure("invalid fraction") }
            while let next = current, isDigit(next) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let next = current, isDigit(next) else { throw failure("invalid exponent") }
            while let next = current, isDigit(next) { index += 1 }
        }
        // Fast path for the integers claims use (exp, iat, nbf): exact below 2^53.
        if index - start <= 15, !bytes[start..<index].contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }) {
            var magnitude: Int64 = 0
            for byte in bytes[start..<index] where byte != UInt8(ascii: "-") {
                magnitude = magnitude * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return Double(bytes[start] == UInt8(ascii: "-") ? -magnitude : magnitude)
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw failure("number out of range") }
        return value
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func parseString() throws(StrictJSONParser.Failure) -> String {
        String(decoding: try parseStringBytes(), as: UTF8.self)  // already valid UTF-8
    }

    /// A string's content as UTF-8, escapes resolved and validated: a slice of the text itself
    /// when the string has no escapes (no copy), new bytes otherwise.
    mutating func parseStringBytes() throws(StrictJSONParser.Failure) -> ArraySlice<UInt8> {
        index += 1
        let start = index
        var isASCII = true
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let content = bytes[start..<index]
                if !isASCII {
                    guard Self.isValidUTF8(content) else { throw failure("invalid UTF-8") }
                }
                index += 1
                return content
            }
            isASCII = isASCII && byte < 0x80
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("unescaped control character") }
            index += 1
        }
        guard index < bytes.count else { throw failure("unterminated string") }
        var scalars = [UInt8](bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard Self.isValidUTF8(scalars[...]) else { throw failure("invalid UTF-8") }
                return scalars[...]
            case UInt8(ascii: "\\"):
                index += 1
                guard let escape = current else { throw failure("unterminated escape") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append(0x22)
                case UInt8(ascii: "\\"): scalars.append(0x5C)
                case UInt8(ascii: "/"): scalars.append(0x2F)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw failure("invalid escape")
                }
            default:
                if byte < 0x20 { throw failure("unescaped control character") }
                scalars.append(byte)
                index += 1
            }
        }
        throw failure("unterminated string")
    }

    mutating func parseHex4() throws(StrictJSONParser.Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("short unicode escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid unicode escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    mutating func parseUnicodeEscape() throws(StrictJSONParser.Failure) -> Unicode.Scalar {
        let high = try parseHex4()
        if (0xD800...0xDBFF).contains(high) {
            guard index + 2 <= bytes.count,
                bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw failure("lone surrogate") }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("lone surrogate") }
            let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            guard let scalar = Unicode.Scalar(combined) else { throw failure("invalid scalar") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(high) else { throw failure("lone surrogate") }
        return scalar
    }
}
