import Testing
@testable import WardenServerHummingbird

/// `OAuthFormRequest.isFormEncoded` against the rule it implements (RFC 9110 §8.3.1:
/// `application/x-www-form-urlencoded`, type and subtype case-insensitive, then only
/// `*( OWS ";" … )`), written the slow and obvious way: every byte at every position of the
/// type, and the shapes of what may follow it.
@Suite struct FormContentTypeTests {
    static let type = "application/x-www-form-urlencoded"

    /// The rule, by lowercasing and trimming.
    static func reference(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        let prefix = bytes.prefix(type.utf8.count).map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
        guard prefix == Array(type.utf8) else { return false }
        let rest = bytes.dropFirst(type.utf8.count).drop(while: { $0 == 0x20 || $0 == 0x09 })
        return rest.isEmpty || rest.first == UInt8(ascii: ";")
    }

    @Test func everyByteAtEveryPosition() {
        let base = Array(Self.type.utf8)
        for position in base.indices {
            for byte in UInt8(0)...UInt8(0x7F) {
                var value = base
                value[position] = byte
                let text = String(decoding: value, as: UTF8.self)
                #expect(OAuthFormRequest.isFormEncoded(text) == Self.reference(text), "\(byte) at \(position)")
            }
        }
    }

    @Test func whatMayFollowTheType() {
        let cases = [
            "", "application/x-www-form-urlencode", Self.type, Self.type.uppercased(),
            "Application/X-WWW-Form-URLEncoded", Self.type + ";charset=utf-8", Self.type + " ; charset=UTF-8",
            Self.type + "\t;", Self.type + " ", Self.type + "  \t ", Self.type + "x", Self.type + " x",
            Self.type + "/json", " " + Self.type, "application/json", "multipart/form-data; boundary=x",
            Self.type + "é", "application/x-www-form-urlencodedé;",
        ]
        for value in cases {
            #expect(OAuthFormRequest.isFormEncoded(value) == Self.reference(value), "\(value)")
        }
        #expect(OAuthFormRequest.isFormEncoded(Self.type + "; charset=utf-8"))
        #expect(!OAuthFormRequest.isFormEncoded(Self.type + "x"))
        // A string cut out of a longer one (a header value is): the same answer.
        let sliced = String(("xx" + Self.type + "; a=b").dropFirst(2))
        #expect(OAuthFormRequest.isFormEncoded(sliced))
    }
}
