import Foundation
public import Logging
public import ServiceLifecycle
import WardenCore

/// Rotates the signing key on a schedule: whenever the newest key is older than ``every``, a
/// new one is added (published now, signing after the publish delay). Checks every
/// ``checkInterval``, so a restart never skips or doubles a rotation. A swift-service-lifecycle
/// `Service`; `warden serve --rotate-every SECONDS` runs it.
public struct KeyRotationService: Service {
    let keys: KeyManager
    let every: Duration
    let checkInterval: Duration
    let logger: Logger

    public init(keys: KeyManager, every: Duration, checkInterval: Duration = .seconds(60), logger: Logger = Logger(label: "warden.keys")) {
        self.keys = keys
        self.every = every
        self.checkInterval = checkInterval
        self.logger = logger
    }

    /// Rotates if the newest key is due; returns whether it did.
    @discardableResult
    public func rotateIfDue() async throws -> Bool {
        let now = keys.timeSource.now()
        let newest = try await keys.storedKeys().map(\.createdAt).max() ?? .distantPast
        // A second's slack: stored times may differ from the clock's in the last bit.
        guard now.timeIntervalSince(newest) >= every.timeInterval - 1 else { return false }
        try await keys.rotate()
        return true
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await rotateIfDue() } catch {
                    logger.warning("scheduled rotation failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: checkInterval)
            }
        }
    }
}
