import NIOCore
import NIOPosix

/// A task executor (SE-0417) that runs jobs on NIO's event loops — the one the enqueuing thread is
/// on when it is one of them (`any()` is sticky) — as *generic* (non-isolated) jobs: nonisolated
/// async code then makes no hop per call, unlike NIO's global-executor takeover, whose jobs run
/// isolated to the loop's own serial executor. For the benchmark's `preference` executor mode
/// (issue 16); a candidate for Warden's executables.
final class EventLoopTaskExecutor: TaskExecutor {
    let group: MultiThreadedEventLoopGroup

    init(group: MultiThreadedEventLoopGroup) {
        self.group = group
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        group.any().execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
