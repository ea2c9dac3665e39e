import Foundation

/// Polls `condition` until it holds or `seconds` pass (bounded), for effects that travel between
/// servers (a revocation reaching a subscriber). Returns whether it held. The default bound is
/// long: it costs time only when a test fails anyway, and the whole suite on a loaded 2-core
/// machine has stalled for seconds (an effect there in 5 s was not).
func eventually(within seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
