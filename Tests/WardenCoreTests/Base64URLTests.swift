import Foundation
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

    /// Against Foundation's decoder (standard alphabet, padded) on random strings over the
    /// alphabet and a few strangers: Warden decodes exactly when the input is canonical
    /// (re-encoding Foundation's bytes gives it back), and then to the same bytes.
    @Test func agreesWithFoundationOnRandomInput() {
        var generator = SplitMix64(seed: 64)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let strangers = Array("=+/. \n".utf8) + [0x00, 0x80, 0xFF]
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 24)
            let input: [UInt8] = (0..<length).map { _ in
                generator.next() % 50 == 0
                    ? strangers[Int(generator.next() % UInt64(strangers.count))]
                    : alphabet[Int(generator.next() % 64)]
            }
            let text = String(decoding: input, as: UTF8.self)
            // The reference: Foundation's bytes, when re-encoding them spells exactly `text`.
            var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
            let reference: [UInt8]? = Data(base64Encoded: standard).flatMap { data in
                let back = data.base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: "")
                return back == text ? Array(data) : nil
            }
            #expect(Base64URL.decodeCanonical(input) == reference, "\(text)")
        }
    }

    @Test func refusesAStrangerAtEveryPosition() {
        let valid = Array(Base64URL.encode(Array(0..<32)).utf8)
        for position in valid.indices {
            for stranger in Array("=+/. ".utf8) + [0x00, 0x80, 0xFF] {
                var input = valid
                input[position] = stranger
                #expect(Base64URL.decodeCanonical(input) == nil)
            }
        }
    }
}
