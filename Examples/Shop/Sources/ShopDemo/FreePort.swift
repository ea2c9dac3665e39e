import NIOCore
import NIOPosix
import Synchronization

/// A loopback port free right now. (The demo needs its URLs before it starts its servers, because
/// the issuer URL goes into every token.) Chosen at random *below* the kernel's ephemeral range
/// (32768–60999 on Linux): ports there are handed out for port-0 listeners and for every outgoing
/// connection, so one found free there could be taken by the time the demo binds it. A port is
/// handed out once per process: clusters started at the same moment (tests run in parallel) drew
/// the same one now and then, and one of them never came up.
enum FreePort {
    private static let handedOut = Mutex(Set<Int>())

    static func find() async throws -> Int {
        for _ in 0..<100 {
            let candidate = Int.random(in: 20_000..<32_768)
            guard handedOut.withLock({ $0.insert(candidate).inserted }) else { continue }
            guard let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: candidate).get() else { continue }
            try await channel.close()
            return candidate
        }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
