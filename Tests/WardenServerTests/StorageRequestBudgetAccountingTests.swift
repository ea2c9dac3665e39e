import Testing
import WardenServer

/// A request's storage budget as `StorageRequestBudget.run` keeps it (a task-local), without a
/// database: the time counted and capped, a new request starting afresh, and `run` called from
/// the main actor (it is `nonisolated(nonsending)`: it runs where its caller runs, issue 16) still
/// handing its body the budget, and none outside.
struct StorageRequestBudgetAccountingTests {
    @Test func spentStorageTimeIsCountedAndALimitCapsIt() async throws {
        #expect(StorageRequestBudget.remaining(of: .seconds(5)) == .seconds(5))
        try await StorageRequestBudget.run(limit: .seconds(1)) {
            #expect(StorageRequestBudget.remaining(of: .seconds(5)) == .seconds(1))
            StorageRequestBudget.record(.milliseconds(400))
            StorageRequestBudget.record(.milliseconds(400))
            #expect(StorageRequestBudget.remaining(of: .seconds(5)) == .milliseconds(200))
            #expect(StorageRequestBudget.remaining(of: .milliseconds(500)) == .milliseconds(-300))
        }
        try await StorageRequestBudget.run {
            // A new request starts afresh.
            #expect(StorageRequestBudget.remaining(of: .seconds(5)) == .seconds(5))
        }
    }

    @MainActor @Test func aBudgetRunFromTheMainActorIsItsBodysAndNoneOutside() async throws {
        #expect(StorageRequestBudget.current == nil)
        let remaining = try await StorageRequestBudget.run(limit: .seconds(2)) {
            StorageRequestBudget.record(.milliseconds(500))
            return StorageRequestBudget.remaining(of: .seconds(5))
        }
        #expect(remaining == .milliseconds(1500))
        #expect(StorageRequestBudget.current == nil)
    }
}
