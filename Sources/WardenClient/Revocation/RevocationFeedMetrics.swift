import CoreMetrics

/// Metrics of a ``RevocationFeedSubscriber``, so that a resource server's operator can see (and
/// alert on) a feed that stopped delivering: while it is down, revoked tokens are accepted until
/// they expire.
/// - `warden.revocations.feed.connected`: 1 while a stream is open, else 0;
/// - `warden.revocations.feed.events`: revocations received;
/// - `warden.revocations.feed.interruptions{reason}`: `connect` (no stream could be opened),
///   `ended` (the server closed it), `error` (it broke), `stalled` (silent past the stall timeout).
struct RevocationFeedMetrics: Sendable {
    enum Interruption: String, CaseIterable, Sendable {
        case connect, ended, error, stalled
    }

    let connected: Gauge
    let events: Counter
    private let interruptions: [Interruption: Counter]

    init(factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        connected = Gauge(label: "warden.revocations.feed.connected", factory: factory)
        events = Counter(label: "warden.revocations.feed.events", factory: factory)
        var interruptions: [Interruption: Counter] = [:]
        for reason in Interruption.allCases {
            interruptions[reason] = Counter(label: "warden.revocations.feed.interruptions", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.interruptions = interruptions
    }

    func record(_ interruption: Interruption) {
        interruptions[interruption]?.increment()
    }
}
