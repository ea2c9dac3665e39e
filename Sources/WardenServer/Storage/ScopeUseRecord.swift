public import Foundation

/// What ``AuthorizationStore/recordScopeUses(clientID:scopes:at:)`` found (issue 14,
/// `new_scope_use`): which scopes a client used for the first time, and since when it has been
/// watched.
public struct ScopeUseRecord: Sendable, Equatable {
    /// The scopes this call recorded first (no earlier call, on any node, recorded them for the client).
    public var firstUses: [String]
    /// When the client's first scope use was recorded: its learning period began then.
    public var watchedSince: Date

    public init(firstUses: [String], watchedSince: Date) {
        self.firstUses = firstUses
        self.watchedSince = watchedSince
    }
}
