import Foundation
import Testing

@testable import WardenCore

/// The hand-written JSON writer (tokens, introspection answers): what it writes parses back to
/// what was given, escapes included, on its fast path (nothing to escape) and its slow one.
struct JSONObjectWriterTests {
    @Test func writesStringsThatParseBackToThemselves() throws {
        let strings = [
            "", "orders.read", "https://auth.example.com/x?y=z", "quote \" inside", "back\\slash", "line\nbreak\r\ttab",
            "\u{0}\u{1}\u{1F}", "ünïcødé ✓ 🎉", "\u{7F}", String(repeating: "a", count: 10_000), "ends with \\",
        ]
        for string in strings {
            var writer = JSONObjectWriter()
            writer.add("s", string)
            writer.add("list", [string, "x"])
            writer.add("flag", true)
            writer.add("at", Date(timeIntervalSince1970: 1_700_000_000.9))
            let bytes = writer.finish()
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect(object["s"] as? String == string)
            #expect(object["list"] as? [String] == [string, "x"])
            #expect(object["flag"] as? Bool == true)
            #expect(object["at"] as? Int == 1_700_000_000)
        }
    }

    @Test func controlCharactersAreEscapedNotCopied() {
        var writer = JSONObjectWriter()
        writer.add("s", "a\u{1}b\"c\\d\ne")
        #expect(String(decoding: writer.finish(), as: UTF8.self) == #"{"s":"a\u0001b\"c\\d\ne"}"#)
    }

    /// NumericDates are written digit by digit in place: every width, and the ends of `Int64`,
    /// as `String` would write them.
    @Test func integersAreWrittenAsDecimalDigits() {
        var values: [Int64] = [0, 1, 9, 10, -1, -10, 1_700_000_000, .max, .min, .max - 1, .min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, -power, -(power - 1)]
        }
        for value in values {
            var bytes: [UInt8] = []
            JSONObjectWriter.appendDecimal(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
        var writer = JSONObjectWriter(capacity: 0)
        writer.add("exp", Date(timeIntervalSince1970: -1.5))
        #expect(String(decoding: writer.finish(), as: UTF8.self) == #"{"exp":-2}"#)
    }
}
