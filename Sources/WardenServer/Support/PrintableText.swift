/// Text from a request (a `client_id`, a user name) made safe for a log line or a terminal:
/// every control character (general category Cc: C0, DEL, C1), every format character (Cf:
/// bidirectional marks, overrides and isolates, zero-width characters, the BOM, tag characters,
/// the soft hyphen), line and paragraph separators (Zl, Zp), and the backslash are written as
/// `\u{XX}`, so a crafted name can neither forge a second log line nor rearrange or hide what an
/// operator reads in `warden audit` — and the escaping itself cannot be imitated.
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

    /// Whether `text` shows as it is on a terminal (no character ``escaped(_:)`` would rewrite
    /// but the backslash): text made of escaped parts, such as an alert's summary, is shown
    /// as it is rather than escaped twice.
    public static func showsAsIs(_ text: some StringProtocol) -> Bool {
        !text.unicodeScalars.contains { $0 != "\\" && needsEscaping($0) }
    }

    static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\\" { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
