import Testing
@testable import WardenServer

/// The wake-up behind the revocation stream's push: no signal may be lost between a look that
/// found nothing and the wait that follows it.
struct ChangeSignalTests {
    /// Races `wait` against a long sleep; true when the wait ended first.
    private static func waitEndsFirst(_ wait: @escaping @Sendable () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await wait()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    @Test func aSignalBetweenTheLookAndTheWaitEndsTheWaitAtOnce() async {
        let signal = ChangeSignal()
        let seen = signal.generation
        signal.signal()  // after the look, before the wait
        #expect(await Self.waitEndsFirst { await signal.wait(after: seen, timeout: .seconds(600)) })
    }

    @Test func aSignalDuringTheWaitEndsIt() async {
        let signal = ChangeSignal()
        let seen = signal.generation
        let ended = Task { await Self.waitEndsFirst { await signal.wait(after: seen, timeout: .seconds(600)) } }
        try? await Task.sleep(for: .milliseconds(50))  // most likely waiting by now; either way it must end
        signal.signal()
        #expect(await ended.value)
    }

    @Test func withoutASignalTheWaitEndsAtTheTimeout() async {
        let signal = ChangeSignal()
        #expect(await Self.waitEndsFirst { await signal.wait(after: signal.generation, timeout: .milliseconds(50)) })
    }
}
