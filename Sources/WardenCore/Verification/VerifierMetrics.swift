import CoreMetrics
import Metrics

/// Counters of an ``AccessTokenVerifier``: `warden.verifier.tokens` with the dimension `result`
/// (`verified`, `cached`, `refused`) and, for refusals, `reason` (a ``TokenVerificationError/Reason``
/// code). Labels are bounded: never a token, subject or key id.
struct VerifierMetrics: Sendable {
    static let label = "warden.verifier.tokens"
    let verified: Counter
    let cached: Counter
    private let refused: [TokenVerificationError.Reason: Counter]

    init(factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        verified = Counter(label: Self.label, dimensions: [("result", "verified")], factory: factory)
        cached = Counter(label: Self.label, dimensions: [("result", "cached")], factory: factory)
        var refused: [TokenVerificationError.Reason: Counter] = [:]
        for reason in TokenVerificationError.Reason.all {
            refused[reason] = Counter(
                label: Self.label, dimensions: [("result", "refused"), ("reason", reason.description)], factory: factory
            )
        }
        self.refused = refused
    }

    func recordRefusal(_ reason: TokenVerificationError.Reason) {
        refused[reason]?.increment()
    }
}
