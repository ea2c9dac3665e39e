/// What Warden's policy reads from a JWS protected header (RFC 7515 §4.1), taken from strict
/// JSON without building a dictionary: the whole object is checked (syntax, duplicate names,
/// nesting), and only `alg`, `typ`, `kid` and the presence of `crit` are kept. A member of the
/// wrong JSON type reads as absent, which the verifier refuses as it would a missing one.
/// `jwk`, `jku`, `x5u`, `x5c` and every other member are checked and dropped: never used, never
/// fetched.
struct JOSEHeader {
    /// `alg`
    private(set) var algorithm: String?
    /// `typ`
    private(set) var type: String?
    /// `kid`
    private(set) var keyID: String?
    /// Whether `crit` is present, whatever its value (RFC 7515 §4.1.11).
    private(set) var hasCritical = false

    init(json bytes: [UInt8]) throws(StrictJSONParser.Failure) {
        var cursor = JSONCursor(bytes: bytes, maximumDepth: 16)
        try cursor.openObject(depth: 1)
        var others = SeenMemberNames()
        var kept: (algorithm: Bool, type: Bool, keyID: Bool, critical: Bool) = (false, false, false, false)
        var isFirst = true
        while let name = try cursor.nextMemberName(isFirst: &isFirst) {
            func keep(_ seen: inout Bool) throws(StrictJSONParser.Failure) -> String? {
                guard !seen else { throw cursor.failure("duplicate member name") }
                seen = true
                return try cursor.parseValue(depth: 1).stringValue
            }
            func named(_ literal: StaticString) -> Bool { JSONCursor.name(name, is: literal) }
            switch true {
            case named("alg"): algorithm = try keep(&kept.algorithm)
            case named("typ"): type = try keep(&kept.type)
            case named("kid"): keyID = try keep(&kept.keyID)
            case named("crit"):
                _ = try keep(&kept.critical)
                hasCritical = true
            default:
                guard others.insert(name) else { throw cursor.failure("duplicate member name") }
                try cursor.skipValue(depth: 1)
            }
        }
        try cursor.expectEnd()
    }
}
