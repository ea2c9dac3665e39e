import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import WardenClient
import WardenCore
import WardenTesting

/// Measures revocation propagation: the time from sending `POST /oauth2/revoke` to one node
/// until a resource server that follows another node's revocation feed (Warden's own
/// ``AuthorizationServerConnection``, as a service runs it) refuses the token. Prints one JSON
/// line with the percentiles in milliseconds.
@main
struct PropagationProbe: AsyncParsableCommand {
    @Option(help: "The node the revocations are sent to.") var revokeAt: String
    @Option(help: "The node whose revocation feed the resource server follows.") var subscribeTo: String
    @Option(help: "The issuer all nodes share.") var issuer: String
    @Option(help: "A confidential client with client_credentials, id:secret.") var client: String
    @Option(help: "The audience of its tokens.") var audience: String
    @Option(help: "How many revocations to measure.") var count = 1000
    @Option(help: "A name for the output line.") var label = "propagation"

    func run() async throws {
        let parts = client.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ValidationError("--client is id:secret") }
        let authorization = "Basic " + Data("\(parts[0]):\(parts[1])".utf8).base64EncodedString()
        var logger = Logger(label: "probe")
        logger.logLevel = .error
        let connection = AuthorizationServerConnection(issuer: subscribeTo, logger: logger)
        let verifier = AccessTokenVerifier(configuration: .init(issuer: issuer, audience: audience), keys: connection.keys, revocations: connection.revocations)
        let group = ServiceGroup(configuration: .init(services: connection.services, gracefulShutdownSignals: [], logger: logger))
        let samples = try await withThrowingTaskGroup(of: [Double]?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            defer { tasks.cancelAll() }
            let result = try await measure(verifier: verifier, authorization: authorization)
            await group.triggerGracefulShutdown()
            return result
        }
        let sorted: [Double] = samples.sorted()
        var line: [String: Any] = ["label": label, "count": sorted.count]
        for (name, fraction) in [("p50_ms", 0.50), ("p90_ms", 0.90), ("p99_ms", 0.99), ("max_ms", 1.0)] {
            line[name] = Self.percentile(sorted, fraction)
        }
        let data: Data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// The nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let rank = Int((Double(sorted.count) * fraction).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let seconds = Double(duration.components.seconds)
        let fraction = Double(duration.components.attoseconds) / 1e18
        return (seconds + fraction) * 1000
    }

    private func post(_ url: String, _ body: String, authorization: String) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Authorization", value: authorization)
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 16)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    private func measure(verifier: AccessTokenVerifier<RemoteJWKSKeySet>, authorization: String) async throws -> [Double] {
        // The tokens first (not timed), each verified once: keys fetched, token cached.
        var tokens: [String] = []
        for _ in 0..<count {
            let (status, json) = try await post(revokeAt + "/oauth2/token", "grant_type=client_credentials", authorization: authorization)
            guard status == 200, let token = json["access_token"] as? String else { throw ValidationError("token request answered \(status)") }
            _ = try await verifier.verify(token)
            tokens.append(token)
        }
        var samples: [Double] = []
        let clock = ContinuousClock()
        for token in tokens {
            let start = clock.now
            let (status, _) = try await post(revokeAt + "/oauth2/revoke", "token=\(token)", authorization: authorization)
            guard status == 200 else { throw ValidationError("revocation answered \(status)") }
            let deadline = start.advanced(by: .seconds(10))
            while await verifier.refusal(of: token) != .revoked {
                guard clock.now < deadline else { throw ValidationError("a revocation did not arrive within 10 s") }
                try await Task.sleep(for: .microseconds(100))
            }
            samples.append(Self.milliseconds(clock.now - start))
        }
        return samples
    }
}
