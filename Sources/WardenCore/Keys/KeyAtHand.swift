public import Foundation

/// A key a source has at hand (``VerificationKeySource/keyAtHand(id:)``) and how long that answer
/// stands without asking the source again (issue 16: a cached token's key was looked up on every
/// hit — under a remote key set's lock, which every core's requests took).
///
/// The answer stands while ``VerificationKeySource/keysAtHandStand(generation:until:)`` says so
/// for `generation` and `usableUntil`: the source's keys at hand have not changed since, and it
/// would still hand this key out.
public struct KeyAtHand: Sendable {
    public let key: VerificationKey
    /// What the source's keys at hand were when it answered; `nil`: the answer is for this lookup
    /// only (the source is asked on every hit, as a source without generations always is).
    public let generation: UInt64?
    /// Until when the source would hand the key out if nothing changed (a remote key set: until
    /// its last answer is past its maximum age).
    public let usableUntil: Date

    public init(key: VerificationKey, generation: UInt64?, usableUntil: Date) {
        self.key = key
        self.generation = generation
        self.usableUntil = usableUntil
    }
}
