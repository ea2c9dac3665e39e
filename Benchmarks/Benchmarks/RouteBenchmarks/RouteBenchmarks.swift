import Benchmark
import Hummingbird
import ResourceRoutes

/// Issue 16's cached target in process: `plain`, `inline` and `bearer` (``CoreRoutes``) through
/// Hummingbird's router and responder, as the server calls them for a parsed request — no HTTP
/// parsing, no socket, no event loop, no other process. What it shows: what the protected route
/// and the hand-written check add to a plain route in time (with far fewer of this host's swings
/// than `resource/run.sh`'s HTTP rounds; a ratio here is not the issue's, whose denominator is
/// the whole HTTP request) and in allocations (which do not swing at all).
///
///     swift package --disable-sandbox benchmark --target RouteBenchmarks
///
/// Every sample is 1,000 requests (`scalingFactor: .kilo`); the same token each time, so the
/// verifier's cache answers, as for a busy service's repeat callers. The routes' times are
/// measured one benchmark after another, so the host's swings land between them: for time,
/// `ProfileRoutes` (interleaved rounds, CPU time) is the better tool; this one counts allocations.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )
    for route in ["plain", "inline", "bearer"] {
        Benchmark("route: \(route)") { benchmark in
            let fixture = try await RouteFixture.shared.value
            let request = fixture.request(path: "/" + route)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let response = try await fixture.responder.respond(to: request, context: fixture.context())
                precondition(response.status == .ok, "/\(route) answered \(response.status)")
                blackHole(response)
            }
        }
    }
}
