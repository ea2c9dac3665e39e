import Testing
@testable import WardenCore

@Suite struct StrictJSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try StrictJSONParser().parse(Array(text.utf8)) }

    @Test func parsesObjectsArraysAndEscapes() throws {
        let value = try parse(#" {"a": [1, -2.5e3, true, false, null], "b": "x\"\\\/\n\u00e9\ud83d\ude00"} "#)
        #expect(value.objectValue?["a"] == .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]))
        #expect(value.objectValue?["b"] == .string("x\"\\/\né😀"))
    }

    @Test(arguments: [
        #"{"a":1,"a":2}"#,                 // duplicate member
        #"{"a":{"b":1,"b":1}}"#,           // nested duplicate
        #"{"a":1} x"#,                     // trailing data
        #"{"a":1,}"#,                      // trailing comma
        #"{'a':1}"#,                       // single quotes
        "{\"a\":\"\u{01}\"}",              // unescaped control character
        #"{"a":"\ud800"}"#,                // lone surrogate
        #"{"a":01}"#,                      // leading zero
        #"{"a":1e999}"#,                   // out of range
        #"{"a":NaN}"#,
        #"{"a":"\x"}"#,                    // bad escape
        #"{"a":"abc"#,                     // unterminated
        "",
    ])
    func refusesInvalidJSON(text: String) {
        #expect(throws: StrictJSONParser.Failure.self) { try parse(text) }
    }

    @Test(arguments: [
        [0xC3, 0x28],              // broken sequence
        [0xC0, 0xAF],              // overlong "/"
        [0xED, 0xA0, 0x80],        // a surrogate, encoded
        [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
        [0xE2, 0x82],              // cut short
    ] as [[UInt8]])
    func refusesInvalidUTF8(bytes: [UInt8]) {
        #expect(throws: StrictJSONParser.Failure.self) { try StrictJSONParser().parse([0x22] + bytes + [0x22]) }
        #expect(throws: StrictJSONParser.Failure.self) { try StrictJSONParser().parse([0x22, 0x5C, 0x6E] + bytes + [0x22]) }  // after an escape
    }

    @Test func acceptsValidMultibyteUTF8() throws {
        #expect(try StrictJSONParser().parse(Array("\"é€😀\"".utf8)) == .string("é€😀"))
    }

    @Test func refusesDeepNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: StrictJSONParser.Failure.self) { try parse(deep) }
    }
}
