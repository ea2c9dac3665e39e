import ServiceLifecycle
import Synchronization
import Testing
import Vapor
import VaporTesting
@testable import WardenVapor

/// Warden's background services (key refresh, revocation feed) run for as long as the Vapor app
/// does: started when it boots, shut down gracefully with it.
@Suite struct WardenServicesLifecycleTests {
    final class Probe: Service {
        let events = Mutex<[String]>([])
        func run() async throws {
            events.withLock { $0.append("started") }
            try? await gracefulShutdown()
            events.withLock { $0.append("stopped") }
        }
    }

    @Test func servicesRunWithTheAppAndStopWithIt() async throws {
        let probe = Probe()
        try await withApp(configure: { app in
            app.lifecycle.use(WardenServicesLifecycle([probe]))
            app.get("ping") { _ in "pong" }
        }) { app in
            try await app.testing().test(.GET, "ping") { #expect($0.body.string == "pong") }
            let deadline = ContinuousClock.now + .seconds(5)
            while probe.events.withLock({ $0 }) != ["started"], ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(probe.events.withLock { $0 } == ["started"])
        }
        #expect(probe.events.withLock { $0 } == ["started", "stopped"])
    }

    /// A service that ignores graceful shutdown (a fetch stuck on a silent server) is cancelled
    /// after `shutdownTimeout`: the application's shutdown is bounded.
    final class Stubborn: Service {
        let events = Mutex<[String]>([])
        func run() async throws {
            events.withLock { $0.append("started") }
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
            events.withLock { $0.append("cancelled") }
        }
    }

    @Test func aServiceThatWillNotStopIsCancelledAfterTheTimeout() async throws {
        let stubborn = Stubborn()
        let started = ContinuousClock.now
        try await withApp(configure: { app in
            app.lifecycle.use(WardenServicesLifecycle([stubborn], shutdownTimeout: .milliseconds(300)))
            app.get("ping") { _ in "pong" }
        }) { app in
            try await app.testing().test(.GET, "ping") { #expect($0.body.string == "pong") }
        }
        #expect(stubborn.events.withLock { $0 } == ["started", "cancelled"])
        // Bounded (a stuck service would hang the test for ever); generous: the whole app boots and stops under load.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    /// Vapor boots for every command: `routes` or `migrate` start no background services (they
    /// would reach out to the authorization server); `serve`, or no command, does.
    @Test func onlyServingStartsTheServices() async throws {
        for (arguments, starts) in [(["app", "routes"], false), (["app", "migrate", "--yes"], false), (["app", "serve"], true), (["app"], true), (["app", "--env", "x"], true)] {
            let app = try await Application.make(Environment(name: "testing", arguments: arguments))
            #expect(WardenServicesLifecycle.serves(app) == starts, "\(arguments)")
            try await app.asyncShutdown()
        }
    }
}
