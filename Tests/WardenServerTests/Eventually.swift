import Foundation

/// Polls `condition` until it holds or `seconds` pass (bounded), for effects that travel between
/// servers (a revocation reaching a subscriber). Returns whether it held.
func eventually(within seconds: Double = 5, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
