public import CoreMetrics
import Foundation
import Metrics
import Synchronization
import WardenCore

/// The authorization server's metrics (swift-metrics; `warden serve` exports them in Prometheus
/// text format at `/metrics`). Labels are bounded: grant types, OAuth error codes, route
/// templates, methods and status codes — never a client, user or token.
///
/// - `warden.tokens.issued{grant}`: tokens issued per grant type;
/// - `warden.oauth.errors{error}`: OAuth error responses per error code;
/// - `warden.http.request.duration{route, method, status}`: request durations.
public struct ServerMetrics: Sendable {
    let factory: any MetricsFactory
    private let issued: [GrantType: Counter]
    private let errors: [String: Counter]
    /// Timers by route, method and status, made once each (all three are bounded).
    private let timers = TimerCache()

    static let errorCodes = [
        "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type",
        "invalid_scope", "invalid_target", "access_denied", "unsupported_token_type", "server_error", "temporarily_unavailable",
    ]

    public init(factory: (any MetricsFactory)? = nil) {
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        var issued: [GrantType: Counter] = [:]
        for grant in GrantType.supported {
            issued[grant] = Counter(label: "warden.tokens.issued", dimensions: [("grant", grant.rawValue)], factory: factory)
        }
        self.issued = issued
        var errors: [String: Counter] = [:]
        for code in Self.errorCodes + ["other"] {
            errors[code] = Counter(label: "warden.oauth.errors", dimensions: [("error", code)], factory: factory)
        }
        self.errors = errors
    }

    func recordIssued(_ grant: GrantType) { issued[grant]?.increment() }

    package func recordError(_ code: String) { (errors[code] ?? errors["other"])?.increment() }

    package func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        // Found by the three values, not a string made of them: the interpolation allocated and
        // formatted a string on every request (issue 16: `recordRequest` was ~0.75 µs of each
        // introspection under `perf`).
        let timer = timers.timer(TimerKey(route: route, method: method, status: status)) {
            Timer(label: "warden.http.request.duration", dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory)
        }
        timer.recordNanoseconds(Int64(duration.timeInterval * 1e9))
    }

    struct TimerKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    final class TimerCache: Sendable {
        private let timers = Mutex<[TimerKey: Timer]>([:])
        func timer(_ key: TimerKey, make: () -> Timer) -> Timer {
            timers.withLock { timers in
                if let timer = timers[key] { return timer }
                let timer = make()
                timers[key] = timer
                return timer
            }
        }
    }
}
