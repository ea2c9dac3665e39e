import NIOCore
import NIOPosix

/// Whether `warden serve` can listen at an address, found out before a database or key is
/// created for a server that cannot start: the address is bound and closed at once. (The server
/// binds again when it starts, so a port taken in between is still said, only later.)
///
/// The probe accepts no connection. One it accepted used to be read and never answered nor
/// closed, so a client that came in that instant — a health check during a restart — waited
/// forever (found 2026-12-03: about one start in fifteen, with a dozen clients polling
/// `/health`). Not accepting (`autoRead` off), a connection that arrives meanwhile is reset when
/// the probe closes, as one is refused before the server listens; one accepted all the same is
/// closed at once.
enum PortProbe {
    /// Throws what binding threw (the port taken, the address not this machine's …).
    /// `whileBound` runs with the address bound (tests: a client arriving in that instant); its
    /// value is returned.
    @discardableResult
    static func check<T>(host: String, port: Int, whileBound: () async throws -> T = {}) async throws -> T {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.autoRead, value: false)
            .serverChannelOption(.backlog, value: 1)
            .childChannelInitializer { $0.close() }
            .bind(host: host, port: port).get()
        let value: T
        do {
            value = try await whileBound()
        } catch {
            try? await probe.close()
            throw error
        }
        try await probe.close()
        return value
    }
}
