import Foundation
import MetricsTestKit
import Testing
import WardenCore
import WardenTesting

@Suite struct VerifierMetricsTests {
    @Test func countsResultsAndRefusalReasonsWithBoundedLabels() async throws {
        let metrics = TestMetrics()
        let issuer = await TestTokenIssuer()
        let verifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: try issuer.keySet(), metricsFactory: metrics)
        let token = try issuer.token()
        _ = try await verifier.verify(token)
        _ = try await verifier.verify(token)
        _ = try? await verifier.verify(try issuer.token(lifetime: .seconds(1), now: Date().addingTimeInterval(-3600)))
        _ = try? await verifier.verify("not.a.token")
        _ = try? await verifier.verify(String(repeating: "x", count: 10_000))

        func count(_ dimensions: [(String, String)]) throws -> Int64 {
            try metrics.expectCounter("warden.verifier.tokens", dimensions).totalValue
        }
        #expect(try count([("result", "verified")]) == 1)
        #expect(try count([("result", "cached")]) == 1)
        #expect(try count([("result", "refused"), ("reason", "expired")]) == 1)
        #expect(try count([("result", "refused"), ("reason", "malformed")]) == 1)
        #expect(try count([("result", "refused"), ("reason", "oversized")]) == 1)
        #expect(try count([("result", "refused"), ("reason", "badSignature")]) == 0)
        // Labels never carry token material: every counter's dimensions are from the fixed set.
        for counter in metrics.counters {
            for (name, value) in counter.dimensions {
                #expect(["result", "reason"].contains(name))
                #expect(value.count < 30)
            }
        }
    }
}
