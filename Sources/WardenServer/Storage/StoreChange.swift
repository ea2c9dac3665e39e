/// A change another node made to shared storage, as the store reports it.
public enum StoreChange: Sendable, Hashable {
    /// Something was added to the revocation feed.
    case revocation
    /// Signing keys were added, retired or deleted.
    case signingKeys
    /// An account or address was locked out after repeated authentication failures.
    case authenticationLockout
}
