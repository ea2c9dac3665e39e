import Logging
import Synchronization
import WardenServer

/// While statements time out, why: the last ``PostgresConnectionProbe`` result, refreshed in the
/// background at most every few seconds (never in a request's path), logged once when the cause
/// is first known or changes, and once more ("answers again") when a probe or a statement
/// succeeds, which also forgets the cause.
final class PostgresOutageDiagnosis: Sendable {
    let probe: PostgresConnectionProbe?
    let logger: Logger
    let interval: Duration

    private struct State {
        var reason: String?
        var checkedAt: ContinuousClock.Instant?
        var probing = false
    }
    private let state = Mutex(State())

    init(probe: PostgresConnectionProbe?, logger: Logger, interval: Duration = .seconds(5)) {
        self.probe = probe
        self.logger = logger
        self.interval = interval
    }

    /// The cause known now (nil until a probe has told), and a probe started if the last one is
    /// older than the interval.
    func reason() -> String? {
        let now = ContinuousClock.now
        let (reason, start) = state.withLock { state -> (String?, Bool) in
            let due = state.checkedAt.map { now - $0 >= interval } ?? true
            guard probe != nil, due, !state.probing else { return (state.reason, false) }
            state.probing = true
            return (state.reason, true)
        }
        if start, let probe {
            Task.detached { [self] in
                let failure = await probe.run(logger: logger)
                record(failure?.reason ?? failure.map { _ in "cannot connect" })
            }
        }
        return reason
    }

    /// A statement succeeded: whatever cause was known is over (logged once), and no later
    /// timeout is blamed on it.
    func answered() {
        let wasDown = state.withLock { state -> Bool in
            guard state.reason != nil else { return false }
            state.reason = nil
            state.checkedAt = nil
            return true
        }
        if wasDown { logger.notice("PostgreSQL answers again") }
    }

    private func record(_ reason: String?) {
        let previous = state.withLock { state -> String? in
            let previous = state.reason
            state.reason = reason
            state.checkedAt = ContinuousClock.now
            state.probing = false
            return previous
        }
        if let reason, reason != previous {
            logger.error("PostgreSQL cannot be reached: \(reason)")
        } else if reason == nil, previous != nil {
            logger.notice("PostgreSQL answers again")
        }
    }
}
