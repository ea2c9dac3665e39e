public import Foundation

/// Where a verifier finds the key for a token's `kid`.
///
/// Implementations match `kid` exactly and never fall back to a default key.
public protocol VerificationKeySource: Sendable {
    /// The key whose id is exactly `id`, or `nil` when there is none.
    /// - Throws: ``TokenVerificationError/Reason/keysUnavailable`` when the source has no usable
    ///   keys at all (e.g. a JWKS endpoint unreachable past the maximum age of its last answer).
    func verificationKey(id: String) async throws(TokenVerificationError) -> VerificationKey?

    /// The key whose id is exactly `id` when the source has it at hand — usable now, nothing to
    /// fetch, reload or wait for — or `nil`, and then ``verificationKey(id:)`` decides. A
    /// remembered token is accepted without suspending when its key is at hand (issue 16: each
    /// suspension on a request's path costs an executor switch).
    func verificationKeyAtHand(id: String) -> VerificationKey?

    /// ``verificationKeyAtHand(id:)`` with how long the answer stands: a verifier remembers it
    /// with a cached token and asks ``keysAtHandStand(generation:until:)`` on the token's next
    /// hits instead of looking the key up again.
    func keyAtHand(id: String) -> KeyAtHand?

    /// Whether an answer of ``keyAtHand(id:)`` given at `generation`, usable until `until`, still
    /// stands: the source's keys at hand have not changed since (a source that can change them
    /// moves its generation with every change, with the change made before the generation moves)
    /// and `until` has not passed by the source's clock. Asked on every cached hit: no lock.
    ///
    /// The contract, for a source of your own (a wrong answer keeps a withdrawn key's cached tokens
    /// passing): ``keyAtHand(id:)`` reads the key and the generation together — under the lock
    /// that changes them, or the generation first —, every change of the keys moves the generation
    /// after it is made, and a source made of others never answers one of theirs as its own (their
    /// generations can be equal: combine them, e.g. add them up, with the earliest end, or answer
    /// a `nil` generation).
    func keysAtHandStand(generation: UInt64, until: Date) -> Bool
}

extension VerificationKeySource {
    /// Nothing at hand: every lookup goes through ``verificationKey(id:)``.
    public func verificationKeyAtHand(id: String) -> VerificationKey? { nil }

    /// The key at hand, for this lookup only: every hit asks ``verificationKeyAtHand(id:)``.
    public func keyAtHand(id: String) -> KeyAtHand? {
        verificationKeyAtHand(id: id).map { KeyAtHand(key: $0, generation: nil, usableUntil: .distantPast) }
    }

    /// No generations: nothing stands.
    public func keysAtHandStand(generation: UInt64, until: Date) -> Bool { false }
}
