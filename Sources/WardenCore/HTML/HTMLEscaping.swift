/// HTML escaping for every page Warden writes (the sign-in pages, `/docs`).
package enum HTMLEscaping {
    /// `text` escaped for element content and for double- or single-quoted attribute values.
    ///
    /// Works on UTF-8 bytes, not on `Character`s: a Character is a grapheme cluster, and `"`
    /// followed by a combining mark (U+0301) is one Character equal to none of the five, so a
    /// Character-wise escaper writes the quote raw (the injection a review found on the sign-in
    /// page). The five are ASCII and never part of a multi-byte UTF-8 sequence.
    package static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): bytes += "&amp;".utf8
            case UInt8(ascii: "<"): bytes += "&lt;".utf8
            case UInt8(ascii: ">"): bytes += "&gt;".utf8
            case UInt8(ascii: "\""): bytes += "&quot;".utf8
            case UInt8(ascii: "'"): bytes += "&#39;".utf8
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
