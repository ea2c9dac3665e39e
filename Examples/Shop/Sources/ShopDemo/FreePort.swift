import NIOCore
import NIOPosix

/// A loopback port free right now: bound to port 0 and released. (The demo needs its URLs before
/// it starts its servers, because the issuer URL goes into every token.)
enum FreePort {
    static func find() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
