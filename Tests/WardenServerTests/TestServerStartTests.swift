import Foundation
import Testing

/// The test harness itself: a server whose port is taken fails its test with the reason instead
/// of waiting forever for a port (a hang of the whole suite, every thread idle: the tutorial
/// tests learn a free port, then serve on it, and another listener could take it in between).
@Suite struct TestServerStartTests {
    @Test func aServerWhosePortIsTakenFailsInsteadOfHanging() async throws {
        try await TestServer.run(seed: false) { first in
            let port = try #require(Int(first.baseURL.split(separator: ":").last!))
            await #expect(throws: TestServer.ServerDidNotStart.self) {
                try await TestServer.run(port: port, seed: false) { _ in Issue.record("served on a taken port") }
            }
        }
    }
}
