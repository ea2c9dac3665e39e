/// A set of scopes, as carried by the `scope` parameter and claim: space-delimited scope
/// tokens, order irrelevant (RFC 6749 §3.3). Renders sorted, so the same set always reads the same.
public struct ScopeSet: Hashable, Sendable, Sequence, CustomStringConvertible, ExpressibleByArrayLiteral {
    public private(set) var scopes: Set<Scope>

    public init() { scopes = [] }

    public init(_ scopes: some Sequence<Scope>) { self.scopes = Set(scopes) }

    public init(arrayLiteral elements: Scope...) { scopes = Set(elements) }

    /// Parses a `scope` value: `scope-token *( SP scope-token )`. Exactly one space between tokens;
    /// an empty string is the empty set; anything else outside the grammar throws.
    public init(parsing value: some StringProtocol) throws(InvalidScopeError) {
        let parsed = value.utf8.withContiguousStorageIfAvailable(Self.parse)
            ?? Array(value.utf8).withUnsafeBufferPointer(Self.parse)
        guard let parsed else { throw InvalidScopeError(value: String(value)) }
        self.scopes = parsed
    }

    /// One pass over the bytes, a token per space, no array of pieces in between (this runs for
    /// every verified token); `nil` if anything is outside the grammar.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Set<Scope>? {
        var scopes = Set<Scope>()
        guard !bytes.isEmpty else { return scopes }
        var start = 0
        while true {
            let end = bytes[start...].firstIndex(of: 0x20) ?? bytes.endIndex
            let token = UnsafeBufferPointer(rebasing: bytes[start..<end])
            guard Scope.isValidToken(token) else { return nil }
            scopes.insert(Scope(unchecked: String(decoding: token, as: UTF8.self)))
            guard end != bytes.endIndex else { return scopes }
            start = end + 1
        }
    }

    public var isEmpty: Bool { scopes.isEmpty }
    public var count: Int { scopes.count }
    public func contains(_ scope: Scope) -> Bool { scopes.contains(scope) }
    public func isSubset(of other: ScopeSet) -> Bool {
        // A route's requirement and a token's scopes are a handful each: compared by string
        // equality, not hashed (issue 16: `Set.isSubset` hashed each required scope with SipHash,
        // ~150 ns of a cached request in `perf`, `Benchmarks/` ProfileRoutes).
        if scopes.count <= 4, other.scopes.count <= 16 {
            return scopes.allSatisfy { required in other.scopes.contains { $0.rawValue == required.rawValue } }
        }
        return scopes.isSubset(of: other.scopes)
    }
    public func union(_ other: ScopeSet) -> ScopeSet { ScopeSet(scopes.union(other.scopes)) }
    public func intersection(_ other: ScopeSet) -> ScopeSet { ScopeSet(scopes.intersection(other.scopes)) }
    public func subtracting(_ other: ScopeSet) -> ScopeSet { ScopeSet(scopes.subtracting(other.scopes)) }
    public mutating func insert(_ scope: Scope) { scopes.insert(scope) }

    public func makeIterator() -> Array<Scope>.Iterator { sorted.makeIterator() }

    /// The scopes in a stable (sorted) order.
    public var sorted: [Scope] { scopes.sorted() }

    /// The wire form: sorted scope tokens separated by single spaces. One scope (the common
    /// case of a machine token) is its own string; more are sorted once and written into one
    /// buffer (issue 16: sorting, mapping and joining were ~1 % of an introspection request).
    public var description: String {
        switch scopes.count {
        case 0: return ""
        case 1: return scopes.first!.rawValue
        default:
            let names = scopes.map(\.rawValue).sorted()
            var text = ""
            text.reserveCapacity(names.reduce(names.count - 1) { $0 + $1.utf8.count })
            for (index, name) in names.enumerated() {
                if index > 0 { text.append(" ") }
                text.append(name)
            }
            return text
        }
    }
}

extension Scope {
    /// For tokens already checked against the grammar.
    init(unchecked rawValue: String) { self.rawValue = rawValue }
}
