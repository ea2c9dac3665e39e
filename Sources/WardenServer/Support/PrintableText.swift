/// Text from a request (a `client_id`, a user name) made safe for a log line or a terminal:
/// control characters (C0, DEL, C1) and the Unicode format characters that reorder or hide text
/// (bidirectional overrides and isolates, zero-width characters, the BOM) are written as
/// `\u{XX}`, so a crafted name can neither forge a second log line nor rearrange what an
/// operator reads in `warden audit`. A backslash is doubled, so the escaping cannot be imitated.
public enum PrintableText {
    public static func escaped(_ text: some StringProtocol) -> String {
        guard text.unicodeScalars.contains(where: needsEscaping) else { return String(text) }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            if needsEscaping(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x5C: true  // backslash
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF: true
        case 0x2028, 0x2029: true  // line and paragraph separators
        default: false
        }
    }
}
