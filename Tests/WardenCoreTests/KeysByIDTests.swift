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
        let keys = KeysByID(byID)
        #expect(keys.sortedIDs == byID.keys.sorted())
        #expect(keys.isEmpty == byID.isEmpty)
        for index in 0..<count { #expect(keys[id: "key-\(index)"]?.id == "key-\(index)") }
        // Near misses: another case, a prefix, one character more, nothing.
        for miss in ["KEY-0", "key-", "key-00", "key-\(count)", ""] where byID[miss] == nil {
            #expect(keys[id: miss] == nil)
        }
    }
}
