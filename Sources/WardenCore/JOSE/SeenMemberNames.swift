/// The member names met so far in one JSON object, so that a repeated name is refused
/// (RFC 7515 §5.2 and RFC 7519 §4: two parsers must not read different values from one token).
///
/// The readers of a token's header and claims keep the members they understand in fields and
/// only the others here: usually none or a few, searched in a small array; past
/// ``linearLimit`` names a set takes over, so a crafted object with hundreds of members stays
/// linear in its size.
struct SeenMemberNames {
    static let linearLimit = 16
    private var few: [ArraySlice<UInt8>] = []
    private var many: Set<ArraySlice<UInt8>>?

    /// Records `name` (UTF-8, escapes resolved); `false` when it was already there.
    mutating func insert(_ name: ArraySlice<UInt8>) -> Bool {
        if many != nil { return many!.insert(name).inserted }
        if few.contains(name) { return false }
        few.append(name)
        if few.count > Self.linearLimit {
            many = Set(few)
            few = []
        }
        return true
    }
}
