package import Logging
public import ServiceLifecycle

/// Follows another node's changes (``StoreChangeNotifier``) and applies them here at once: a
/// revocation wakes the revocation streams and the in-memory mirror; a key change rereads the
/// keys; a lockout reloads the lockouts. A swift-service-lifecycle `Service`; `warden serve` runs
/// it on PostgreSQL.
public struct StoreChangeService: Service {
    let notifier: any StoreChangeNotifier
    let tokens: TokenService
    let keys: KeyManager
    let logger: Logger

    package init(notifier: any StoreChangeNotifier, tokens: TokenService, keys: KeyManager, logger: Logger) {
        self.notifier = notifier
        self.tokens = tokens
        self.keys = keys
        self.logger = logger
    }

    public func run() async throws {
        let tokens = tokens
        let keys = keys
        let logger = logger
        await cancelWhenGracefulShutdown {
            await notifier.followChanges { change in
                switch change {
                case .revocation:
                    tokens.revocations.invalidate()
                    tokens.revocationSignal.signal()
                case .authenticationLockout:
                    tokens.bruteForce.shared?.invalidate()
                case .signingKeys:
                    keys.markStale()
                    logger.debug("signing keys changed on another node")
                }
            }
        }
    }
}
