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
        // Issue 16: verifying without suspending counts the same, once per outcome.
        let sync = TestMetrics()
        let syncVerifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: try issuer.keySet(), metricsFactory: sync)
        _ = try syncVerifier.verifyWithoutSuspending(token)
        _ = try syncVerifier.verifyWithoutSuspending(token)
        _ = try? syncVerifier.verifyWithoutSuspending(try issuer.token(lifetime: .seconds(1), now: Date().addingTimeInterval(-3600)))
        _ = try? syncVerifier.verifyWithoutSuspending("not.a.token")
        _ = try? syncVerifier.verifyWithoutSuspending(String(repeating: "x", count: 10_000))
        for dimensions in [[("result", "verified")], [("result", "cached")], [("result", "refused"), ("reason", "expired")],
                           [("result", "refused"), ("reason", "malformed")], [("result", "refused"), ("reason", "oversized")]] {
            #expect(try sync.expectCounter("warden.verifier.tokens", dimensions).totalValue == count(dimensions))
        }
        // Labels never carry token material: every counter's dimensions are from the fixed set.
        for counter in metrics.counters {
            for (name, value) in counter.dimensions {
                #expect(["result", "reason"].contains(name))
                #expect(value.count < 30)
            }
        }
    }
}
