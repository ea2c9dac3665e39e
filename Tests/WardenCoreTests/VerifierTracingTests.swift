import Foundation
import InMemoryTracing
import Testing
import Tracing
import WardenCore
import WardenTesting

/// Issue 16: with a tracer, each verification is a `warden.verify_token` span — the cache's
/// answer, the client, the key, or the refusal's reason — and nothing of the token itself;
/// without one, no span and the same answers.
@Suite struct VerifierTracingTests {
    @Test func aVerificationIsASpanNamingItsClientNeverItsToken() async throws {
        let tracer = InMemoryTracer()
        let issuer = await TestTokenIssuer()
        let token = try issuer.token(subject: "alice-subject", clientID: "web")
        try await withTracer(tracer) {
            let verifier = issuer.verifier()
            _ = try await verifier.verify(token)
            _ = try await verifier.verify(token)
            await #expect(throws: TokenVerificationError.self) { try await verifier.verify(token + "x") }
        }
        // Nothing of the token: not the token, its jti, its sub.
        let jti = try await issuer.verifier().verify(token).tokenID
        expectVerifiedCachedRefused(tracer.finishedSpans, withNone: [String(token.prefix(20)), jti, "alice-subject"])
    }

    /// Three spans — a verification, a cache hit, a malformed token refused — naming client
    /// `web` and carrying none of `secrets`.
    func expectVerifiedCachedRefused(_ spans: [FinishedInMemorySpan], withNone secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(spans.map(\.operationName) == ["warden.verify_token", "warden.verify_token", "warden.verify_token"], sourceLocation: sourceLocation)
        guard spans.count == 3 else { return }
        #expect(spans.map { $0.attributes["warden.token.cache_hit"]?.toSpanAttribute() } == [.bool(false), .bool(true), nil], sourceLocation: sourceLocation)
        #expect(spans[0].attributes["oauth.client_id"]?.toSpanAttribute() == .string("web"), sourceLocation: sourceLocation)
        #expect(spans[2].attributes["warden.token.refused"]?.toSpanAttribute() == .string("malformed"), sourceLocation: sourceLocation)
        #expect(spans[2].status?.code == .error, sourceLocation: sourceLocation)
        let recorded = spans.map { "\($0.attributes)" }.joined()
        for secret in secrets { #expect(!recorded.contains(secret), sourceLocation: sourceLocation) }
    }

    /// Issue 16: the path adapters take first makes the same span — one per verification, the
    /// cache's answer, or the refusal — and none when it leaves the decision to `verify`.
    @Test func verifyingWithoutSuspendingIsTheSameSpan() async throws {
        let tracer = InMemoryTracer()
        let issuer = await TestTokenIssuer()
        let token = try issuer.token(subject: "alice-subject", clientID: "web")
        let unknownKey = try issuer.signRaw(
            headerJSON: #"{"alg":"ES256","kid":"elsewhere","typ":"at+jwt"}"#,
            payloadJSON: #"{"iss":"x","sub":"y","aud":"z","exp":1,"iat":1,"jti":"j","client_id":"c"}"#
        )
        try await withTracer(tracer) {
            let verifier = issuer.verifier()
            let first = try verifier.verifyWithoutSuspending(token)
            let second = try verifier.verifyWithoutSuspending(token)
            #expect(first != nil && second != nil)
            #expect(throws: TokenVerificationError.self) { try verifier.verifyWithoutSuspending(token + "x") }
            let leftToVerify = try verifier.verifyWithoutSuspending(unknownKey)
            #expect(leftToVerify == nil)
        }
        expectVerifiedCachedRefused(tracer.finishedSpans, withNone: [String(token.prefix(20)), "alice-subject"])
    }

    @Test func withoutATracerNothingIsRecorded() async throws {
        let tracer = InMemoryTracer()
        let issuer = await TestTokenIssuer()
        // Made outside the tracer's scope: it found none and makes no spans, even inside one.
        let verifier = issuer.verifier()
        try await withTracer(tracer) { _ = try await verifier.verify(try issuer.token()) }
        #expect(tracer.finishedSpans.isEmpty)
    }
}
