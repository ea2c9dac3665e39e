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

    /// The (client, scope) pairs this node knows were recorded: a token's scopes go to the store
    /// only when one of them is not here (issuance at full speed pays a lookup, not a write).
    private let recordedScopeUses = Mutex<[String: Set<String>]>([:])
    /// Clients remembered in ``recordedScopeUses`` at most (then it starts again, empty).
    static let rememberedClients = 10_000

    /// - Parameters:
    ///   - thresholds: those that differ from the defaults (``DetectionThreshold``).
    ///   - disabled: kinds never raised.
    public init(
        store: any AuthorizationStore,
        thresholds: [Kind: DetectionThreshold] = [:],
        disabled: Set<Kind> = [],
        timeSource: TimeSource = .system,
        metricsFactory: (any MetricsFactory)? = nil,
        logger: Logger = Logger(label: "warden.alerts")
    ) {
        self.store = store
        var all: [Kind: DetectionThreshold] = [
            .credentialGuessing: .credentialGuessing, .refreshTokenReuse: .refreshTokenReuse, .insufficientScopeBurst: .insufficientScopeBurst,
            .invalidTokenBurst: .invalidTokenBurst, .revokedTokenUse: .revokedTokenUse, .newScopeUse: .newScopeUse,
        ]
        all.merge(thresholds) { _, given in given }
        for kind in disabled { all[kind] = nil }
        // Each (client, scope) has one first use: a higher count could never be reached.
        all[.newScopeUse]?.count = 1
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

    /// "5 minutes", "1 hour", "7 days", "90 seconds".
    static func describe(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds)
        if whole % 86_400 == 0 { return whole == 86_400 ? "1 day" : "\(whole / 86_400) days" }
        if whole % 3600 == 0 { return whole == 3600 ? "1 hour" : "\(whole / 3600) hours" }
        if whole % 60 == 0 { return whole == 60 ? "1 minute" : "\(whole / 60) minutes" }
        return "\(whole) seconds"
    }

    /// A token of `clientID` was issued with `scope` (every grant; issue 14, `new_scope_use`).
    /// A scope the client's tokens never carried before raises an alert once the client's
    /// learning period (the threshold's window, from its first recorded use) is over. Only a
    /// pair this node has not seen goes to the store, which tells each first use to one node.
    /// `createdAt` tells a client deleted and created again under the same id (its uses start
    /// anew in the store) from the one this node remembers.
    public func noteScopeUse(clientID: String, createdAt: Date, scope: ScopeSet) async {
        guard let threshold = thresholds[.newScopeUse], !scope.isEmpty else { return }
        let remembered = "\(clientID) \(createdAt.timeIntervalSince1970)"
        let unseen = recordedScopeUses.withLock { known in scope.map(\.rawValue).filter { known[remembered]?.contains($0) != true } }
        guard !unseen.isEmpty else { return }
        let now = timeSource.now()
        let record: ScopeUseRecord
        do {
            record = try await store.recordScopeUses(clientID: clientID, scopes: unseen, at: now)
        } catch {
            logger.error("alert detection failed", metadata: ["kind": "\(Kind.newScopeUse.rawValue)", "error": "\(error)"])
            return
        }
        recordedScopeUses.withLock { known in
            if known[remembered] == nil, known.count >= Self.rememberedClients { known.removeAll() }
            known[remembered, default: []].formUnion(unseen)
        }
        let learning = threshold.window.timeInterval
        guard now.timeIntervalSince(record.watchedSince) >= learning else { return }
        let client = PrintableText.escaped(clientID)
        for used in record.firstUses.sorted() {
            let name = PrintableText.escaped(used)
            await signal(.newScopeUse, key: "client:\(clientID)|scope:\(used)", severity: "medium", clientID: clientID) { _, _ in
                "Client \(client) got a token with the scope \(name) for the first time (watched for \(Self.describe(learning)) before; its tokens never carried it)"
            }
        }
    }

    /// Called with every new alert (after it is stored), in the order raised.
    public func onRaised(_ handler: @escaping @Sendable (AlertRecord) async -> Void) {
        handlers.withLock { $0.append(handler) }
    }

    /// `count` occurrences (one, or a service's report of many alike) of `kind` about `key`
    /// (`user:alice`, `address:…`, `family:…`). `summary` makes the sentence from the number of
    /// occurrences in the last window and the window ("5 minutes").
    public func signal(
        _ kind: Kind, key: String, severity: String, subject: String? = nil, clientID: String? = nil, service: String? = nil, count: Int = 1,
        summary: (_ occurrences: Int, _ window: String) -> String
    ) async {
        guard let threshold = thresholds[kind] else { return }
        let now = timeSource.now()
        let window = threshold.window.timeInterval
        let added = max(1, count)
        do {
            let occurrences = try await store.countSignal(key: "\(kind.rawValue)|\(key)", adding: added, at: now, windowStart: now.addingTimeInterval(-window))
            guard occurrences >= threshold.count else { return }
            // These occurrences carried the count across the threshold (the upsert gives each
            // caller its own step, so one caller sees the crossing).
            let crossed = occurrences - added < threshold.count
            let candidate = AlertRecord(
                kind: kind.rawValue, key: key, severity: severity, summary: summary(occurrences, Self.describe(window)), subject: subject, clientID: clientID, service: service,
                count: crossed ? occurrences : added, windowSeconds: Int(window), firstSeen: now, lastSeen: now
            )
            // The estimate counts the previous window for up to two windows, so an alert lasts
            // as long: seen again within two windows, it grows (a review found that with one
            // window an alert lapsed while the count stayed above the threshold: later
            // occurrences could neither open nor extend one, or a single typo opened a second).
            let ongoingSince = now.addingTimeInterval(-2 * window)
            // The occurrence that reached the threshold opens the alert (the counter's upsert
            // gives that step to one caller, so concurrent occurrences past it extend it, a
            // review found duplicates); one past it opens one only if none is ongoing — the
            // count is above the threshold, and detection must never go blind.
            let (alert, isNew): (AlertRecord, Bool)
            if crossed {
                (alert, isNew) = try await store.recordAlert(candidate, ongoingSince: ongoingSince)
            } else if let extended = try await store.extendAlert(candidate, ongoingSince: ongoingSince) {
                (alert, isNew) = (extended, false)
            } else {
                var opening = candidate
                opening.count = occurrences
                (alert, isNew) = try await store.recordAlert(opening, ongoingSince: ongoingSince)
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
