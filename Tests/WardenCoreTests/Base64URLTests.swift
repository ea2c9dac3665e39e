import Testing
@testable import WardenCore

@Suite struct Base64URLTests {
    @Test(arguments: [
        ("", [UInt8]()), ("AA", [0]), ("AAE", [0, 1]), ("AAEC", [0, 1, 2]), ("_-8", [0xFF, 0xEF]),
    ])
    func decodesCanonicalInput(input: String, expected: [UInt8]) {
        #expect(Base64URL.decodeCanonical(Array(input.utf8)) == expected)
    }

    @Test(arguments: [
        "AA==", "AAE=", "A", "AAAAA", "AB", "AAF", "a+b/", "AA AA", "AA.A", "ÄÄ", "AA\n",
    ])
    func refusesNonCanonicalInput(input: String) {
        #expect(Base64URL.decodeCanonical(Array(input.utf8)) == nil)
    }

    @Test func roundTripsEveryLength() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decodeCanonical(Array(Base64URL.encode(bytes).utf8)) == bytes)
        }
    }
}
