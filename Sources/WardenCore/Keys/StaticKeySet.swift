public import Foundation

/// Keys given in code or configuration.
public struct StaticKeySet: VerificationKeySource {
    private let keys: KeysByID

    /// - Throws: ``KeyConfigurationError`` when two keys share a `kid`.
    public init(_ keys: [VerificationKey]) throws(KeyConfigurationError) {
        var byID: [String: VerificationKey] = [:]
        for key in keys {
            guard byID.updateValue(key, forKey: key.id) == nil else {
                throw KeyConfigurationError("two keys share the kid '\(key.id)'")
            }
        }
        self.keys = KeysByID(keys)
    }

    public func verificationKey(id: String) async throws(TokenVerificationError) -> VerificationKey? {
        keys[id: id]
    }

    public func verificationKeyAtHand(id: String) -> VerificationKey? {
        keys[id: id]
    }

    /// The key, for good: these keys never change (one generation, no end).
    public func keyAtHand(id: String) -> KeyAtHand? {
        keys[id: id].map { KeyAtHand(key: $0, generation: 0, usableUntil: .distantFuture) }
    }

    public func keysAtHandStand(generation: UInt64, until: Date) -> Bool { generation == 0 }

    /// The key ids, sorted.
    public var keyIDs: [String] { keys.sortedIDs }
}
