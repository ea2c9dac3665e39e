import Foundation
import NIOCore

/// One client's refresh-token family, rotated round after round across the nodes the way a
/// careful client behind a load balancer would: on a dropped connection or a 5xx it retries the
/// same refresh token on the next node (a node that did not answer is left alone for thirty
/// seconds, as a load balancer's health check would); any 4xx answer is a refusal (a lost
/// rotation) and ends the run.
struct RefreshRotationLog: Sendable {
    /// Every refresh token received, the first one included, oldest first.
    var tokens: [String]
    var refusals: [String] = []
    var retries = 0

    var last: String { tokens[tokens.count - 1] }

    /// `pause` between rounds keeps the load steady rather than saturating (the other suites
    /// share the machine).
    static func rotate(_ first: String, rounds: Int, over nodes: [any LoopbackHTTPTarget], offset: Int, pause: Duration = .milliseconds(15), client: String = "shop-web") async -> RefreshRotationLog {
        var log = RefreshRotationLog(tokens: [first])
        var downUntil: [Int: Date] = [:]
        for round in 0..<rounds {
            var attempt = 0
            while true {
                var index = (round + offset + attempt) % nodes.count
                for step in 0..<nodes.count {
                    let candidate = (round + offset + attempt + step) % nodes.count
                    if (downUntil[candidate] ?? .distantPast) < Date() {
                        index = candidate
                        break
                    }
                }
                let node = nodes[index]
                do {
                    let reply = try await node.post(
                        "/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", log.last), ("client_id", client)], timeout: .seconds(10)
                    )
                    if reply.status == 200, let next = reply.refreshToken {
                        log.tokens.append(next)
                        try? await Task.sleep(for: pause)
                        break
                    }
                    guard reply.status >= 500 else {
                        log.refusals.append("round \(round): \(reply)")
                        return log
                    }
                } catch {
                    // The node is gone or the connection dropped: try the next one.
                    downUntil[index] = Date().addingTimeInterval(30)
                }
                attempt += 1
                log.retries += 1
                guard attempt < 400 else {
                    log.refusals.append("round \(round): no node answered")
                    return log
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        return log
    }
}
