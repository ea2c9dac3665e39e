#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Atomics
import NIOCore
import NIOPosix

/// Swift's global executor on NIO's event loops, with each job run as a *generic* job — the way
/// Swift's own cooperative pool runs them — instead of isolated to the loop's serial executor.
///
/// Why not `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`:
/// it runs every global job *isolated to the event loop's serial executor*
/// (`SelectableEventLoop.run`: `runSynchronously(on: self.asUnownedSerialExecutor())`), so the
/// runtime believes the task is on an actor-like executor, and each entry into a nonisolated
/// async function (which runs on the generic executor) is an executor switch: the task goes
/// back through the loop's queue — ~30 times for one request to a plain Hummingbird route
/// (`Benchmarks/resource/switches.sh`). Run as generic jobs, those entries are no switch at all:
/// a plain or cached-token request costs ~18 % less CPU (docs/benchmarks.md, issue 16). What
/// else differs: a task now runs on to its next real suspension instead of going back through
/// the loop's queue at every call, so a handler that computes holds its loop that much longer
/// at a stretch, and the responses of one pass of the loop leave far apart unless their flushes
/// are consolidated (``FlushConsolidationHandler``: NIO's hook happened to send them together);
/// each job is handed to the loop as a closure (NIO's hook stores the job itself). The same
/// threads, the same loop for a task that was on it (`any()` is sticky), and blocking work must
/// stay off the loops as before (NIO's thread pool). One thing does not come here: since Swift
/// 6.2 `Task.yield()` enqueues on `Task.currentExecutor`, which for a generic job is Swift's
/// default executor, not this hook — a yielding task goes on on Dispatch's pool until its next
/// enqueue brings it back to a loop (measured: a yield ~6 µs of thread switching; Warden yields
/// on no hot path).
///
/// Written by hand because no listed library offers it: the same runtime hook NIO uses
/// (`swift_task_enqueueGlobal_hook`), with the same caveats — installed once, from the main
/// thread, before anything else starts a task. It belongs in NIO; until then, here.
public enum EventLoopGlobalExecutor {
    private static let installed = ManagedAtomic(false)

    /// The runtime's `swift_task_enqueueGlobal_hook` type (as NIO declares it).
    typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Installs ``MultiThreadedEventLoopGroup/singleton`` as Swift's global executor, running
    /// jobs as generic ones. `false` when it could not (unsupported compiler or platform, or
    /// another hook is in place, NIO's included); then whatever was in place stays — Swift's
    /// own pool, or the other hook.
    ///
    /// - Precondition: called at most once, from the main thread, before anything starts a task.
    @discardableResult
    public static func install() -> Bool {
        #if os(Windows)
        return false
        #else
        #if compiler(<6.6)
        precondition(installed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged, "EventLoopGlobalExecutor.install() must be called once")
        guard let hook = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook") else { return false }
        // Assumptions, as NIO makes them: the hook's type is this thin function type, and the
        // closure below converts to that function's pointer.
        // Each job runs on the generic executor as the runtime spells it,
        // `SerialExecutorRef::generic()`: no identity, no implementation (the stdlib's
        // `_getGenericSerialExecutor()` is internal; `unsafeBitCast` checks the size).
        let enqueue: EnqueueGlobalHook = { job, _ in
            MultiThreadedEventLoopGroup.singleton.any().execute {
                job.runSynchronously(on: unsafe unsafeBitCast((0, 0) as (Int, Int), to: UnownedSerialExecutor.self))
            }
        }
        // The function's address, read through memory as NIO does (a thin function value is
        // that pointer).
        let storage = UnsafeMutablePointer<EnqueueGlobalHook>.allocate(capacity: 1)
        storage.initialize(to: enqueue)
        let function = UnsafeRawPointer(storage).load(as: UnsafeRawPointer.self)
        storage.deinitialize(count: 1)
        storage.deallocate()
        let slot = UnsafeAtomic<UnsafeRawPointer?>(at: hook.assumingMemoryBound(to: UnsafeRawPointer?.AtomicRepresentation.self))
        return slot.compareExchange(expected: nil, desired: function, ordering: .relaxed).exchanged
        #else
        return false
        #endif
        #endif
    }
}
