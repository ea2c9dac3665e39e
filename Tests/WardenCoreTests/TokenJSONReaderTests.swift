import Foundation
import Testing
@testable import WardenCore

/// The header and claims readers walk the JSON without building a dictionary. They must refuse
/// exactly what ``StrictJSONParser`` refuses, wherever in the object the fault sits: these tests
/// hold them to the generic parser on hand-picked hostile members and on mutated payloads.
@Suite struct TokenJSONReaderTests {
    static let claims = #"{"iss":"https://warden.test","sub":"alice","aud":"test-api","exp":1800000300,"iat":1800000000,"jti":"id-1","client_id":"web","scope":"me items"}"#

    /// Whether the claims reader got past the JSON (any later refusal is about a claim's value).
    func claimsReaderAccepts(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try AccessTokenClaims(payload: bytes)
            return true
        } catch {
            return error.reason != .malformed
        }
    }

    func genericParserAccepts(_ bytes: [UInt8]) -> Bool {
        (try? StrictJSONParser().parse(bytes))?.objectValue != nil
    }

    @Test func readsEveryClaimItKeeps() throws {
        let json = #" { "act" : {"sub":"gateway"}, "nbf": 1799999990.5, "aud": ["a", "test-api"], "x-\u00e9": [1, {"y": null}], "#
            + #""iss":"https:\/\/warden.test","sub":"alice","exp":1800000300,"iat":1800000000,"jti":"id-1","client_id":"web","scope":"me items"} "#
        let claims = try AccessTokenClaims(payload: Array(json.utf8))
        #expect(claims.issuer == "https://warden.test")
        #expect(claims.audience == ["a", "test-api"])
        #expect(claims.notBefore == Date(timeIntervalSince1970: 1_799_999_990.5))
        #expect(claims.scope == ["me", "items"])
        #expect(claims.actor?.subject == "gateway")
        #expect(claims.clientID == "web")
    }

    /// Each value is put in an unknown member (skipped) and in a known one (kept): both readers
    /// must agree with the generic parser on it.
    @Test(arguments: [
        #"1"#, #"-0.5e-3"#, #""plain""#, #""esc\"aped\u00e9\ud83d\ude00""#, #""é""#, "true", "false", "null",
        #"[1,[2,{"a":[]}]]"#, #"{"a":{"b":{}}}"#, "[]", "{}",
        // invalid:
        #"01"#, #"1."#, #"-"#, #"1e"#, #"1e999"#, "NaN", "tru", "nul", #""\x""#, #""\ud800""#, "\"\u{01}\"",
        #""abc"#, #"[1,]"#, #"{"a":1,}"#, #"{"a":1,"a":2}"#, #"{"\u0061":1,"a":2}"#, #"{'a':1}"#, "[" , "",
        String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ])
    func agreesWithTheGenericParserOnEveryKindOfValue(value: String) {
        for json in [
            #"{"iss":"x","other":"# + value + "}",
            #"{"other":"# + value + #","iss":"x"}"#,
            #"{"iss":"# + value + "}",
            #"{"scope":"# + value + #","aud":"a"}"#,
        ] {
            let bytes = Array(json.utf8)
            #expect(claimsReaderAccepts(bytes) == genericParserAccepts(bytes), "\(json)")
            #expect(((try? JOSEHeader(json: bytes)) != nil) == genericParserAccepts(bytes), "\(json)")
        }
    }

    @Test func refusesInvalidUTF8InASkippedMember() {
        let bytes = Array(#"{"iss":"x","other":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(!claimsReaderAccepts(bytes))
        #expect((try? JOSEHeader(json: bytes)) == nil)
    }

    @Test(arguments: [
        #"{"sub":"a","sub":"b"}"#,                       // a kept claim twice
        #"{"\u0073ub":"a","sub":"b"}"#,                  // the same name, once escaped
        #"{"x":1,"y":2,"x":3}"#,                          // a skipped member twice
        #"{"x\u0000":1,"x\u0000":2}"#,
        #"{"act":{"sub":"a","sub":"b"}}"#,               // inside a kept object
        #"{"x":{"y":1,"y":1}}"#,                          // inside a skipped object
    ])
    func refusesRepeatedNames(json: String) {
        #expect(!claimsReaderAccepts(Array(json.utf8)))
        #expect((try? JOSEHeader(json: Array(json.utf8))) == nil)
    }

    @Test func refusesARepeatedNameAmongManyMembers() {
        // Past the small array the names go to a set; a repeat there is still caught.
        let members = (0..<40).map { #""m\#($0)":\#($0)"# }
        let json = "{" + (members + [#""m3":0"#]).joined(separator: ",") + "}"
        #expect(!claimsReaderAccepts(Array(json.utf8)))
        #expect((try? JOSEHeader(json: Array(json.utf8))) == nil)
        let distinct = "{" + members.joined(separator: ",") + "}"
        #expect((try? JOSEHeader(json: Array(distinct.utf8))) != nil)
    }

    @Test func headerKeepsOnlyWhatThePolicyReads() throws {
        let header = try JOSEHeader(json: Array(#"{"alg":"ES256","typ":"at+jwt","kid":"k1","jku":"https://evil","x5c":["AA"],"jwk":{"kty":"EC"}}"#.utf8))
        #expect(header.algorithm == "ES256")
        #expect(header.type == "at+jwt")
        #expect(header.keyID == "k1")
        #expect(!header.hasCritical)
        let oddTypes = try JOSEHeader(json: Array(#"{"alg":1,"typ":null,"kid":["k1"],"crit":[]}"#.utf8))
        #expect(oddTypes.algorithm == nil && oddTypes.type == nil && oddTypes.keyID == nil)
        #expect(oddTypes.hasCritical)
    }

    @Test(arguments: ["[]", #""x""#, "1", "", "{", #"{"a":1} {}"#, #"{"a":1}x"#])
    func refusesAnythingButOneObject(json: String) {
        #expect(!claimsReaderAccepts(Array(json.utf8)))
        #expect((try? JOSEHeader(json: Array(json.utf8))) == nil)
    }

    /// Random single-byte edits of a valid payload: the reader and the generic parser must agree
    /// on every one (seeded, so a failure repeats).
    @Test func agreesWithTheGenericParserOnMutatedPayloads() {
        var generator = SplitMix64(seed: 0x5EED)
        let original = Array(Self.claims.utf8)
        let interesting = Array(#"{}[]",:\u0 1e-."#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]
        var disagreements: [String] = []
        for _ in 0..<5_000 {
            var bytes = original
            for _ in 0...Int(generator.next() % 3) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[position] = interesting[Int(generator.next() % UInt64(interesting.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(interesting[Int(generator.next() % UInt64(interesting.count))], at: position)
                }
                if bytes.isEmpty { break }
            }
            if claimsReaderAccepts(bytes) != genericParserAccepts(bytes) {
                disagreements.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
}
