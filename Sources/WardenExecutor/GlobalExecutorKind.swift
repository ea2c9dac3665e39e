import NIOCore
import NIOPosix

/// Where a process runs Swift's tasks (issue 16; README "Speed"), for an operator to choose —
/// `warden` reads it from `WARDEN_EXECUTOR`:
///
/// - `generic` (the default): NIO's event loops, jobs run as generic ones
///   (``EventLoopGlobalExecutor``): the least CPU for a request that mostly waits and copies.
/// - `nio`: NIO's event loops by NIO's own hook, jobs isolated to the loop: an executor switch
///   per nonisolated call (requests that compute measured ~5 % cheaper on one core before
///   ``FlushConsolidationHandler``: the hook happened to send a loop's responses together;
///   docs/benchmarks.md).
/// - `swift`: Swift's cooperative pool beside NIO's loops (Swift's default; a computing handler
///   costs ~1.6× its work where the two share a core).
public enum GlobalExecutorKind: String, Sendable, CaseIterable {
    case generic, nio, swift

    /// Installs this kind's executor (nothing for `swift`); `false` when it could not be.
    /// - Precondition: called at most once, from the main thread, before anything starts a task.
    @discardableResult
    public func install() -> Bool {
        switch self {
        case .generic: EventLoopGlobalExecutor.install()
        case .nio: NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        case .swift: true
        }
    }
}
