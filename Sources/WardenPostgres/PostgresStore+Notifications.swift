import Foundation
import PostgresNIO
public import WardenServer

/// LISTEN/NOTIFY between nodes: a revocation or key change made on one node is announced on
/// the `warden_changes` channel; every node's ``StoreChangeService`` listens and applies it at
/// once. The tables stay the source of truth (a node that missed a notification catches up at its
/// next poll of the feed or reload of the keys).
extension PostgresStore: StoreChangeNotifier {
    static let changeChannel = "warden_changes"

    /// This store tells every node about the changes the others make.
    public var changeNotifier: (any StoreChangeNotifier)? { self }

    func notify(_ payload: String) async throws(StoreError) {
        try await rows("SELECT pg_notify(\(Self.changeChannel), \(payload))")
    }

    public func followChanges(_ onChange: @escaping @Sendable (StoreChange) -> Void) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.changeChannel) { notifications in
                        // Listening now: whatever changed before (while starting, while
                        // reconnecting) was not heard, so every mirror reads the tables again
                        // rather than waiting for its next poll (a lockout made on another node
                        // as this one started went unseen for a minute).
                        for change in [StoreChange.revocation, .signingKeys, .authenticationLockout] { onChange(change) }
                        for try await notification in notifications {
                            switch notification.payload {
                            case "revocation": onChange(.revocation)
                            case "signing-keys": onChange(.signingKeys)
                            case "authentication-lockout": onChange(.authenticationLockout)
                            default: logger.debug("unknown change notification ignored")
                            }
                        }
                    }
                }
            } catch {
                guard !Task.isCancelled else { return }
                logger.debug("change listener lost its connection; reconnecting", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            // Changes missed while reconnecting are caught up by polling.
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}
