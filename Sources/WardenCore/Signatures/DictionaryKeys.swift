/// Counts the top-level keys of an RFC 8941 dictionary that swift-http-structured-headers has
/// already accepted, to tell whether one was repeated (its parser keeps the last silently, as
/// RFC 8941 §4.2.2 says; RFC 9421 signatures must not be ambiguous). Written here because no
/// listed library reports repeated keys; it only walks a value already known to be valid:
/// outside strings, byte sequences and inner lists, a key starts the value and follows each
/// top-level comma. A `:` opens a byte sequence only where a bare item starts (after `=`, `(`
/// or a space): a token may hold `:` too (`p=a:b`), which a review used to hide a repeated key.
/// An RFC 9651 Display String (`%"…"`) has no backslash escapes (`%"\"` is one backslash and
/// ends there): the fuzzer found that reading it as an escape hid a repeated key (issue 17).
enum DictionaryKeys {
    static func count(in bytes: [UInt8]) -> Int {
        var members = 0
        var depth = 0
        var inString = false
        /// In an RFC 9651 Display String: `\` is a character, not an escape.
        var inDisplayString = false
        var inBytes = false
        var escaped = false
        var expectingKey = true
        var previous: UInt8 = 0
        for byte in bytes {
            defer { previous = byte }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\"), !inDisplayString {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            if inBytes {
                if byte == UInt8(ascii: ":") { inBytes = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                inDisplayString = previous == UInt8(ascii: "%")
            case UInt8(ascii: ":") where [UInt8(ascii: "="), UInt8(ascii: "("), UInt8(ascii: " "), UInt8(ascii: "\t")].contains(previous): inBytes = true
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"): depth -= 1
            case UInt8(ascii: ","):
                if depth == 0 { expectingKey = true }
            case UInt8(ascii: " "), UInt8(ascii: "\t"): break
            default:
                if expectingKey, depth == 0 {
                    members += 1
                    expectingKey = false
                }
            }
        }
        return members
    }
}
