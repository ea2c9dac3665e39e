/// Keys given at start (shared secrets from configuration, public keys of known callers).
public struct StaticSignatureKeys: HTTPSignatureKeySource {
    let keys: [String: HTTPSignatureKey]

    /// - Precondition: ids are distinct.
    public init(_ keys: [HTTPSignatureKey]) {
        self.keys = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in preconditionFailure("two signature keys named \(first.id)") })
    }

    public func key(id: String) async -> HTTPSignatureKey? { keys[id] }
}
