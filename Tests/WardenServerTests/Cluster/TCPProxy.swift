import NIOCore
import NIOPosix
import Synchronization

/// A TCP forwarder on loopback between one node and PostgreSQL, to cut that node off from the
/// database: ``cut()`` drops every connection and refuses new ones until ``restore()``. Written
/// here because no listed package has one; it is test scaffolding, not product code.
final class TCPProxy: Sendable {
    private typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private struct State {
        var isCut = false
        var nextID = 0
        var connections: [Int: Task<Void, Never>] = [:]
    }

    let port: Int
    private let upstreamPort: Int
    private let state = Mutex(State())
    private let acceptor = Mutex<Task<Void, Never>?>(nil)

    private init(port: Int, upstreamPort: Int) {
        self.port = port
        self.upstreamPort = upstreamPort
    }

    static func start(forwardingTo upstreamPort: Int) async throws -> TCPProxy {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try Connection(wrappingChannelSynchronously: channel) }
            }
        guard let port = server.channel.localAddress?.port else { throw Shell.Failure(description: "proxy has no port") }
        let proxy = TCPProxy(port: port, upstreamPort: upstreamPort)
        let task = Task {
            do {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound { proxy.forward(connection) }
                }
            } catch {}
        }
        proxy.acceptor.withLock { $0 = task }
        return proxy
    }

    private func forward(_ connection: Connection) {
        let upstreamPort = upstreamPort
        let id: Int? = state.withLock { state in
            guard !state.isCut else { return nil }
            state.nextID += 1
            return state.nextID
        }
        guard let id else {
            Task { try? await connection.executeThenClose { _, _ in } }
            return
        }
        let task = Task {
            do {
                let upstream = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: upstreamPort) { channel in
                        channel.eventLoop.makeCompletedFuture { try Connection(wrappingChannelSynchronously: channel) }
                    }
                try await connection.executeThenClose { clientInbound, clientOutbound in
                    try await upstream.executeThenClose { upstreamInbound, upstreamOutbound in
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask { for try await bytes in clientInbound { try await upstreamOutbound.write(bytes) } }
                            group.addTask { for try await bytes in upstreamInbound { try await clientOutbound.write(bytes) } }
                            // Either side closing (or a cut cancelling us) closes both.
                            _ = try await group.next()
                            group.cancelAll()
                        }
                    }
                }
            } catch {}
            _ = self.state.withLock { $0.connections.removeValue(forKey: id) }
        }
        state.withLock { state in
            if state.isCut { task.cancel() } else { state.connections[id] = task }
        }
    }

    /// Drops every connection and refuses new ones.
    func cut() {
        let tasks = state.withLock { state in
            state.isCut = true
            defer { state.connections = [:] }
            return Array(state.connections.values)
        }
        for task in tasks { task.cancel() }
    }

    func restore() {
        state.withLock { $0.isCut = false }
    }

    func close() {
        cut()
        acceptor.withLock { $0?.cancel() }
    }
}
