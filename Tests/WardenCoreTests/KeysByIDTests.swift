import Crypto
import Testing
@testable import WardenCore

/// `KeysByID` (issue 16: a handful of keys compared one by one, more through a dictionary)
/// finds exactly what a dictionary finds, on both sides of the limit.
@Suite struct KeysByIDTests {
    @Test(arguments: [0, 1, 2, KeysByID.comparedOneByOne, KeysByID.comparedOneByOne + 1, 40])
    func findsWhatADictionaryFinds(count: Int) async throws {
        var byID: [String: VerificationKey] = [:]
        for index in 0..<count {
            let id = "key-\(index)"
            byID[id] = try await VerificationKey.hmac(secret: Array(repeating: UInt8(index), count: 32), id: id)
        }
        let keys = KeysByID(Array(byID.values))
        #expect(keys.sortedIDs == byID.keys.sorted())
        #expect(keys.isEmpty == byID.isEmpty)
        for index in 0..<count { #expect(keys[id: "key-\(index)"]?.id == "key-\(index)") }
        // Near misses: another case, a prefix, one character more, nothing.
        for miss in ["KEY-0", "key-", "key-00", "key-\(count)", ""] where byID[miss] == nil {
            #expect(keys[id: miss] == nil)
        }
    }
}

extension KeysByIDTests {
    /// Two keys with one `kid` (key sets refuse them before; `KeysByID` alone): the first, both
    /// below and above the limit.
    @Test(arguments: [2, KeysByID.comparedOneByOne + 2])
    func ofTwoKeysWithOneIDTheFirst(count: Int) async throws {
        var keys: [VerificationKey] = []
        for index in 0..<count - 1 {
            keys.append(try await VerificationKey.hmac(secret: Array(repeating: UInt8(index), count: 32), id: "key-\(index)"))
        }
        keys.append(try await VerificationKey.hmac(secret: Array(repeating: 0xFF, count: 32), id: "key-0"))
        let found = try #require(KeysByID(keys)[id: "key-0"])
        // The first key's secret (zeros) signs, the last's (0xFF) does not.
        let input = Array("header.payload".utf8)
        let signature = Array(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: [UInt8](repeating: 0, count: 32))))
        #expect(found.isValidSignature(signature, for: input[...]))
    }

    /// The token's text never shows in a description or a `dump`.
    @Test func presentedAndIncomingTokensAreRedacted() async throws {
        let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"
        let presented = PresentedAccessToken(value: token, isDPoP: false)
        var dumped = ""
        dump(presented, to: &dumped)
        #expect(!"\(presented)".contains("eyJ") && !dumped.contains("eyJ"))
        #expect(presented.value == token)
    }
}
