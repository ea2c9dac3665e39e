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

    @Test func refusesInvalidUTF8() {
        #expect(throws: StrictJSONParser.Failure.self) { try StrictJSONParser().parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func refusesDeepNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: StrictJSONParser.Failure.self) { try parse(deep) }
    }
}
