import Foundation

/// A DPoP proof that passed every check of RFC 9449 §4.3 but the last: it has not been
/// remembered yet (``DPoPProofVerifier/remember(_:)``), so it may still be a replay.
struct CheckedDPoPProof: Sendable {
    let proof: VerifiedDPoPProof
    /// When its time window was checked: the replay memory's clock for it.
    let checkedAt: Date
}
