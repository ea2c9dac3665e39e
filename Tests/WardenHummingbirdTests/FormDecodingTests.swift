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
    }

    @Test func repeatedParametersAreRefusedUnlessAllowed() throws {
        #expect(throws: OAuthError.self) { try URLEncodedFormParameters(parsing: "a=1&a=2") }
        let form = try URLEncodedFormParameters(parsing: "audience=x&audience=y&b=%20", repeatable: ["audience"])
        #expect(form.all("audience") == ["x", "y"])
        #expect(form["b"] == " ")
    }
}
