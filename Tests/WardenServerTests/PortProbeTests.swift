import AsyncHTTPClient
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
        let started = ContinuousClock.now
        let outcome = try await PortProbe.check(host: "127.0.0.1", port: port) {
            let client = Task { () -> Result<UInt, any Error> in
                do {
                    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/health"), deadline: .now() + .seconds(8))
                    return .success(response.status.code)
                } catch {
                    return .failure(error)
                }
            }
            // Connected and the request sent while the probe holds the port.
            try await Task.sleep(for: .milliseconds(300))
            return client
        }.value
        switch outcome {
        case .success(let status):
            Issue.record("nothing serves the port, yet an answer came: \(status)")
        case .failure(let error):
            // Reset or refused once the probe closed: at once, not at the deadline.
            #expect((error as? HTTPClientError) != .deadlineExceeded, "\(error)")
            #expect(ContinuousClock.now - started < .seconds(6), "\(error)")
        }
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
        defer { channel.close(promise: nil) }
        return try #require(channel.localAddress?.port)
    }
}
