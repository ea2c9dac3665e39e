import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing
@testable import WardenCLI

/// `warden serve` binds its port and closes it at once before it starts (a taken port is said
/// first). A client that came in that instant was accepted, read and never answered nor closed:
/// it waited forever (found 2026-12-03 with a dozen clients polling `/health` at startup).
@Suite struct PortProbeTests {
    @Test func aClientArrivingDuringTheProbeIsRefusedNotLeftWaiting() async throws {
        let port = try await Self.freePort()
        // Connected (the kernel completes the handshake for the listen queue) and the request
        // sent while the probe holds the port — awaited, not slept for: on a loaded machine an
        // HTTP client's connection started 300 ms late, after the probe had closed, and was
        // refused over and over until its deadline (a failure of the test, not of the probe).
        let client = try await PortProbe.check(host: "127.0.0.1", port: port) {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
            try await channel.writeAndFlush(ByteBuffer(string: "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).get()
            return channel
        }
        // Reset once the probe closed: the connection ends at once, not left open (the old
        // probe accepted it, read the request and kept it open forever).
        let started = ContinuousClock.now
        let giveUp = client.eventLoop.scheduleTask(in: .seconds(8)) { client.close(promise: nil) }
        try? await client.closeFuture.get()
        giveUp.cancel()
        #expect(ContinuousClock.now - started < .seconds(6))
        // The port is free again: the probe left nothing bound.
        try await PortProbe.check(host: "127.0.0.1", port: port)
    }

    @Test func aTakenPortIsSaid() async throws {
        let taken = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(taken.localAddress?.port)
        await #expect(throws: (any Error).self) { try await PortProbe.check(host: "127.0.0.1", port: port) }
        try await taken.close()
    }

    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        // Closed before the port is handed out: closed in the background, the probe's bind
        // could come first ("address already in use").
        try await channel.close()
        return port
    }
}
