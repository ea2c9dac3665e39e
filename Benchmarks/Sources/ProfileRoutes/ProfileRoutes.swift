import Foundation
import ResourceRoutes

/// Issue 16's cached target in process, by CPU time: `plain`, `inline` and `bearer`
/// (``CoreRoutes``) through Hummingbird's router (``RouteFixture``: no HTTP, no socket), in
/// interleaved rounds — each round serves `count` requests to each route, the route going first
/// taking turns — and the medians of each route's CPU ns a request and of each round's
/// differences to `plain`. Interleaved, a swing of this host lands on every route alike.
///
///     ProfileRoutes [rounds=30] [requests a round=20000] [route…]
///
/// Routes named (`plain`, `inline`, `bearer`) are the only ones served: `perf record` of one
/// route, then of `plain`, and a difference of their profiles by symbol says what the route adds.
///
/// What it does not show: the whole request over HTTP (`resource/run.sh`), where a route's cost
/// also includes what its larger working set costs NIO's and the kernel's work around it.
@main
struct ProfileRoutes {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let rounds = arguments.first ?? 30
        let count = arguments.dropFirst().first ?? 20_000
        let fixture = try await RouteFixture()
        let named = CommandLine.arguments.dropFirst().filter { Int($0) == nil }
        let routes = named.isEmpty ? ["plain", "inline", "bearer"] : Array(named)
        for route in routes { try await fixture.serve(path: "/" + route, count: count / 4) }
        var nanoseconds: [String: [Double]] = [:]
        for round in 0..<rounds {
            for index in routes.indices {
                let route = routes[(index + round) % routes.count]
                let start = cpuNanoseconds()
                try await fixture.serve(path: "/" + route, count: count)
                nanoseconds[route, default: []].append((cpuNanoseconds() - start) / Double(count))
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print("\(rounds) rounds x \(count) requests a route, in process; CPU ns a request (median):")
        for route in routes { print("  \(route): \(String(format: "%.0f", median(nanoseconds[route]!)))") }
        for route in routes.dropFirst() where routes.first == "plain" {
            let differences = zip(nanoseconds[route]!, nanoseconds["plain"]!).map { $0 - $1 }
            print("  \(route) - plain: \(String(format: "%+.0f", median(differences))) ns a request (median of the rounds' differences)")
        }
    }

    /// The process's CPU time (every thread's), in nanoseconds.
    static func cpuNanoseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e9 + Double(time.tv_nsec)
    }
}
