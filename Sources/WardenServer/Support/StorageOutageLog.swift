import Foundation
package import Logging
import Synchronization

/// Storage failures in the log once per outage, not once per failed request: the first at error
/// level with its cause (``StoreError/reason`` when the store knows it), the rest at debug with
/// a count; an outage is taken to be over after ``quietPeriod`` without a failure, and the next
/// failure is logged again.
package final class StorageOutageLog: Sendable {
    let quietPeriod: Duration
    private struct State {
        var lastFailure: ContinuousClock.Instant?
        var failures = 0
    }
    private let state = Mutex(State())

    package init(logger: Logger, quietPeriod: Duration = .seconds(30)) {
        self.quietPeriod = quietPeriod
    }

    package func failed(_ error: StoreError, logger: Logger) {
        let now = ContinuousClock.now
        let (first, count) = state.withLock { state -> (Bool, Int) in
            let first = state.lastFailure.map { now - $0 >= quietPeriod } ?? true
            state.failures = first ? 1 : state.failures + 1
            state.lastFailure = now
            return (first, state.failures)
        }
        if first {
            logger.error("storage failure: answering 503 until it is back", metadata: ["error": "\(error.description)", "detail": "\(error.debugDescription)"])
        } else {
            logger.debug("storage failure", metadata: ["error": "\(error.description)", "failures": "\(count)"])
        }
    }
}
