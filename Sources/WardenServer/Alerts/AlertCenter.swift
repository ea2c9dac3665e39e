public import CoreMetrics
public import Foundation
public import Logging
import Metrics
import Synchronization
public import WardenCore

/// Turns signals of abnormal permission use into alerts (issue 14): counts each signal in the
/// store (so every node of a PostgreSQL cluster counts together), raises an alert when its
/// ``DetectionThreshold`` is reached and deduplicates it while it lasts. A new alert is logged at
/// `warning`, counted in `warden_alerts_total{kind,severity}`, written to the audit log
/// (`alert.raised`) and handed to ``onRaised`` (webhooks). A store error is logged and counted,
/// never thrown: detection never fails the request it watches.
public final class AlertCenter: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case credentialGuessing = "credential_guessing"
        case refreshTokenReuse = "refresh_token_reuse"
        case insufficientScopeBurst = "insufficient_scope_burst"
        case invalidTokenBurst = "invalid_token_burst"
        case revokedTokenUse = "revoked_token_use"
        case newScopeUse = "new_scope_use"
    }

    public static let severities = ["low", "medium", "high"]

    let store: any AuthorizationStore
    let thresholds: [Kind: DetectionThreshold]
    let timeSource: TimeSource
    let logger: Logger
    private let counters: [String: Counter]
    private let handlers = Mutex<[@Sendable (AlertRecord) async -> Void]>([])

    public init(
        store: any AuthorizationStore,
        thresholds: [Kind: DetectionThreshold] = [:],
        timeSource: TimeSource = .system,
        metricsFactory: (any MetricsFactory)? = nil,
        logger: Logger = Logger(label: "warden.alerts")
    ) {
        self.store = store
        var all: [Kind: DetectionThreshold] = [
            .credentialGuessing: .credentialGuessing, .refreshTokenReuse: .refreshTokenReuse, .insufficientScopeBurst: .insufficientScopeBurst,
            .invalidTokenBurst: .invalidTokenBurst, .revokedTokenUse: .revokedTokenUse,
        ]
        all.merge(thresholds) { _, given in given }
        self.thresholds = all
        self.timeSource = timeSource
        self.logger = logger
        let factory = metricsFactory ?? MetricsSystem.factory
        var counters: [String: Counter] = [:]
        for kind in Kind.allCases {
            for severity in Self.severities {
                counters["\(kind.rawValue) \(severity)"] = Counter(label: "warden.alerts.total", dimensions: [("kind", kind.rawValue), ("severity", severity)], factory: factory)
            }
        }
        self.counters = counters
    }

    /// "5 minutes", "1 hour", "90 seconds".
    static func describe(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds)
        if whole % 3600 == 0 { return whole == 3600 ? "1 hour" : "\(whole / 3600) hours" }
        if whole % 60 == 0 { return whole == 60 ? "1 minute" : "\(whole / 60) minutes" }
        return "\(whole) seconds"
    }

    /// Called with every new alert (after it is stored), in the order raised.
    public func onRaised(_ handler: @escaping @Sendable (AlertRecord) async -> Void) {
        handlers.withLock { $0.append(handler) }
    }

    /// One occurrence of `kind` about `key` (`user:alice`, `address:…`, `family:…`). `summary`
    /// makes the sentence from the count of occurrences and the window ("5 minutes").
    public func signal(
        _ kind: Kind, key: String, severity: String, subject: String? = nil, clientID: String? = nil, service: String? = nil,
        summary: (_ occurrences: Int, _ window: String) -> String
    ) async {
        guard let threshold = thresholds[kind] else { return }
        let now = timeSource.now()
        let window = threshold.window.timeInterval
        do {
            let occurrences = try await store.countSignal(key: "\(kind.rawValue)|\(key)", at: now, windowStart: now.addingTimeInterval(-window))
            guard occurrences >= threshold.count else { return }
            let candidate = AlertRecord(
                kind: kind.rawValue, key: key, severity: severity, summary: summary(occurrences, Self.describe(window)), subject: subject, clientID: clientID, service: service,
                count: occurrences == threshold.count ? occurrences : 1, windowSeconds: Int(window), firstSeen: now, lastSeen: now
            )
            let ongoingSince = now.addingTimeInterval(-window)
            // Only the occurrence that reached the threshold may open an alert: the counter's
            // upsert gives that value to exactly one caller, so concurrent occurrences past it
            // extend the alert and never open a second one (a review found duplicates).
            let (alert, isNew): (AlertRecord, Bool)
            if occurrences == threshold.count {
                (alert, isNew) = try await store.recordAlert(candidate, ongoingSince: ongoingSince)
            } else if let extended = try await store.extendAlert(candidate, ongoingSince: ongoingSince) {
                (alert, isNew) = (extended, false)
            } else {
                return
            }
            guard isNew else { return }
            counters["\(kind.rawValue) \(severity)"]?.increment()
            logger.warning("alert raised", metadata: [
                "alert": "\(alert.id)", "kind": "\(alert.kind)", "severity": "\(alert.severity)",
                "summary": "\(PrintableText.escaped(alert.summary))",
            ])
            try await store.appendAudit(AuditEvent(at: now, event: "alert.raised", clientID: clientID, subject: subject, outcome: alert.kind,
                                                   detail: "\(alert.id): \(alert.summary)"))
            for handler in handlers.withLock({ $0 }) { await handler(alert) }
        } catch {
            logger.error("alert detection failed", metadata: ["kind": "\(kind.rawValue)", "error": "\(error)"])
        }
    }
}
