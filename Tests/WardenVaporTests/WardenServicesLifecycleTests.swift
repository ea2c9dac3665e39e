import ServiceLifecycle
import Synchronization
import Testing
import Vapor
import VaporTesting
import WardenVapor

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
}
