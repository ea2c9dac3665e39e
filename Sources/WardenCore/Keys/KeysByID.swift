/// Verification keys found by their `kid`: a handful compared one by one, more through a
/// dictionary. A key set holds a few keys (the one in use and those rotating in or out), and
/// comparing a `kid` with each of them is cheaper than hashing it with SipHash for a dictionary;
/// this runs on every verification, cached or not (issue 16: the dictionary's lookup ~80 ns of a
/// cached request in `perf`, `Benchmarks/` ProfileRoutes).
package struct KeysByID: Sendable {
    /// Up to this many keys are compared one by one.
    static let comparedOneByOne = 8

    private let list: [VerificationKey]
    /// Only when there are more keys than ``comparedOneByOne``.
    private let dictionary: [String: VerificationKey]

    /// Found by their own `kid`s; of two keys with the same, the first (both ways of finding
    /// give the same answer: key sets refuse such duplicates before they get here).
    package init(_ keys: [VerificationKey]) {
        self.list = keys
        self.dictionary = keys.count > Self.comparedOneByOne
            ? Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            : [:]
    }

    package subscript(id id: String) -> VerificationKey? {
        guard list.count <= Self.comparedOneByOne else { return dictionary[id] }
        return list.first { $0.id == id }
    }

    /// The key ids, sorted.
    package var sortedIDs: [String] { list.map(\.id).sorted() }

    package var isEmpty: Bool { list.isEmpty }
}
