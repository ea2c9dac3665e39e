public import NIOCore

/// Passes the flushes a connection asks for while its event loop runs its queued tasks on as
/// one flush, queued behind them: the responses written by the requests of one pass of the loop
/// leave together, and a response written in parts (head, body, end: a flush each) leaves in one
/// system call.
///
/// Why (issue 16, docs/benchmarks.md "2026-12-02, flushes"): with jobs run as generic ones
/// (``EventLoopGlobalExecutor``) each request runs to its end at once, so a loop holding 16
/// requests wrote 16 responses far apart, and a peer on the same machine (a sidecar, the next
/// service, the benchmark's client) had gone back to sleep before each of them: a wake-up per
/// response, paid by the writer — ~8 µs a request here (`sock_def_readable` under `perf`), more
/// than a cached token check costs. NIO's own hook happened to batch the writes of a tick; this
/// batches them by design, whatever the executor.
///
/// What it costs: a flush waits for the tasks already queued on the loop when it was asked for
/// — under load that is every job the loop had queued, each run to its next suspension (a
/// token request's signing included), which is what NIO's hook made every response wait too;
/// with nothing queued, one more task on the loop (no extra system call: the loop is awake).
/// Writes pass unchanged; only `flush` is held, and at most ``maximumHeldFlushes`` in a row (a
/// writer flushing in a tight loop is not held back further). A close or the handler's removal
/// passes an owed flush on first, so nothing written is left behind.
///
/// Netty's `FlushConsolidationHandler` idea, written by hand: no listed library has one (not
/// NIO, not swift-nio-extras, not Hummingbird). Add it per connection (a new one for each), e.g.
/// in Hummingbird: `server: .http1(configuration: .init(additionalChannelHandlers: [FlushConsolidationHandler()]))`.
public final class FlushConsolidationHandler: ChannelOutboundHandler, RemovableChannelHandler {
    public typealias OutboundIn = NIOAny
    public typealias OutboundOut = NIOAny

    /// Flushes held in a row before one is passed on at once (Netty's default, 256).
    public static let maximumHeldFlushes = 256

    /// A flush asked for and not yet passed on (its task is queued on the loop).
    private var flushOwed = false
    /// Flushes asked for since one was last passed on.
    private var heldFlushes = 0

    public init() {}

    public func flush(context: ChannelHandlerContext) {
        heldFlushes += 1
        guard heldFlushes < Self.maximumHeldFlushes else { return passOwedFlush(context, asked: true) }
        guard !flushOwed else { return }
        flushOwed = true
        // On the channel's loop (handler events always are): no `Sendable` box needed.
        context.eventLoop.assumeIsolatedUnsafeUnchecked().execute { self.passOwedFlush(context) }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        passOwedFlush(context)
        context.close(mode: mode, promise: promise)
    }

    public func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        passOwedFlush(context)
        context.leavePipeline(removalToken: removalToken)
    }

    /// The owed flush, if one is (the queued task finds none after a close, a removal or a
    /// flush passed on at once); `asked`: passed on whether owed or not. Marked passed before
    /// passing it: a flush asked for from within it (a writer woken by writability) is owed anew.
    private func passOwedFlush(_ context: ChannelHandlerContext, asked: Bool = false) {
        guard flushOwed || asked else { return }
        flushOwed = false
        heldFlushes = 0
        context.flush()
    }
}
