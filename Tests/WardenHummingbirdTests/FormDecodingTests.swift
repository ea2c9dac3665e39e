import Testing
import WardenCore
import WardenHummingbird

@Suite struct FormDecodingTests {
    @Test(arguments: [
        ("a+b", "a b"), ("%41%62", "Ab"), ("%e2%82%AC", "€"), ("", ""), ("plain", "plain"), ("%2B", "+"),
        ("é", "é"), ("eyJh.eyJz.c2ln-_", "eyJh.eyJz.c2ln-_"),
    ])
    func decodesComponents(input: String, expected: String) {
        #expect(URLEncodedFormParameters.decodeComponent(Substring(input)) == expected)
    }

    @Test func decodesAComponentCutFromABody() {
        let body = "grant_type=client_credentials&token=eyJh.eyJz&scope=a+b"
        let parts = body.split(separator: "&").map { $0.split(separator: "=", maxSplits: 1)[1] }
        #expect(parts.map(URLEncodedFormParameters.decodeComponent) == ["client_credentials", "eyJh.eyJz", "a b"])
    }

    @Test(arguments: ["%", "%4", "%G1", "%zz", "%ff", "%c3%28", "abc%"])
    func refusesMalformedEscapesAndBadUTF8(input: String) {
        #expect(URLEncodedFormParameters.decodeComponent(Substring(input)) == nil)
    }

    @Test func refusesRawBytesThatAreNotUTF8() {
        #expect(URLEncodedFormParameters.decodeComponent([0x61, 0xC3, 0x28]) == nil)
        #expect(URLEncodedFormParameters.decodeComponent([0x61, 0xC3, 0xA9]) == "aé")
        // The ASCII fast path ends at 0x7F; a lone high byte is not UTF-8.
        #expect(URLEncodedFormParameters.decodeComponent([0x7F, 0x41]) == "\u{7F}A")
        #expect(URLEncodedFormParameters.decodeComponent([0x41, 0x80]) == nil)
        #expect(URLEncodedFormParameters.decodeComponent([0xFF]) == nil)
    }

    @Test func repeatedParametersAreRefusedUnlessAllowed() throws {
        #expect(throws: OAuthError.self) { try URLEncodedFormParameters(parsing: "a=1&a=2") }
        let form = try URLEncodedFormParameters(parsing: "audience=x&audience=y&b=%20", repeatable: ["audience"])
        #expect(form.all("audience") == ["x", "y"])
        #expect(form["b"] == " ")
    }

    @Test func pairShapes() throws {
        let form = try URLEncodedFormParameters(parsing: "a=1&&b=2&c&=d&e==f&")
        #expect(form.values == ["a": "1", "b": "2", "c": "", "": "d", "e": "=f"])
    }

    /// The parser against the obvious one (split on `&`, drop empty pairs, split each on the
    /// first `=`, decode both sides), on every string of up to five characters from an alphabet
    /// of separators, escapes and letters; from a `String` and from raw bytes alike.
    @Test func agreesWithTheObviousParserOnEveryShortString() throws {
        let alphabet: [String] = ["a", "b", "=", "&", "%", "4", "1", "+"]
        var inputs: [String] = [""]
        var frontier: [String] = [""]
        for _ in 1...5 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + $0 } }
            inputs += frontier
        }
        var compared = 0
        for input in inputs {
            let expected = Self.obviousParse(input)
            let fromString = try? URLEncodedFormParameters(parsing: input, repeatable: ["b"])
            let fromBytes = Array(input.utf8).withUnsafeBytes { try? URLEncodedFormParameters(parsing: $0, repeatable: ["b"]) }
            #expect(fromString?.values == expected?.values && fromString?.repeatedValues == expected?.repeated, "\(input)")
            #expect(fromBytes?.values == fromString?.values && fromBytes?.repeatedValues == fromString?.repeatedValues, "\(input)")
            compared += 1
        }
        #expect(compared > 30_000)
    }

    private static func obviousParse(_ body: String) -> (values: [String: String], repeated: [String: [String]])? {
        var values: [String: String] = [:]
        var repeated: [String: [String]] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = URLEncodedFormParameters.decodeComponent(parts[0]),
                let value = parts.count == 2 ? URLEncodedFormParameters.decodeComponent(parts[1]) : ""
            else { return nil }
            if name == "b" {
                repeated[name, default: []].append(value)
                values[name] = values[name] ?? value
            } else {
                guard values.updateValue(value, forKey: name) == nil else { return nil }
            }
        }
        return (values, repeated)
    }
}
