/// The outcome of redeeming something single-use (a code, a refresh token) atomically.
public enum SingleUseRedemption<Record: Sendable>: Sendable {
    /// First use: this caller, and only this one, got it.
    case redeemed(Record)
    /// It existed but was used (or revoked) before: a replay.
    case alreadyUsed(Record)
    /// No such thing.
    case notFound
}
