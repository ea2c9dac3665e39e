/// The member names met so far in one JSON object, so that a repeated name is refused
/// (RFC 7515 §5.2 and RFC 7519 §4: two parsers must not read different values from one token).
///
/// The readers of a token's header and claims keep the members they understand in fields and
/// only the others here: usually none or a few, searched in a small array; past
/// ``linearLimit`` names a set takes over, so a crafted object with hundreds of members stays
/// linear in its size.
struct SeenMemberNames {
    static let linearLimit = 16
    private var few: [String] = []
    private var many: Set<String>?

    /// Records `name`; `false` when it was already there.
    mutating func insert(_ name: String) -> Bool {
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
